import type { AskRecord, Feedback, ReviewStatus, SqlPair } from '@quarry/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../lib/providers';
import { usePagedQuery } from '../../lib/resources';

const KEY = ['asks'] as const;

// A type, not an interface, so it passes as query params (interfaces have no index signature).
export type AskFilters = {
  q: string;
  page: number;
  status: string;
  rating: string;
  source: string;
  review: string;
};

export function useAsks(filters: AskFilters) {
  return usePagedQuery<AskRecord>([...KEY, 'list'], '/api/asks', filters);
}

export function useAsk(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...KEY, 'one', id],
    queryFn: () => api.get<AskRecord>(`/api/asks/${encodeURIComponent(id)}`),
  });
}

/**
 * Saves the ask's SQL (as edited) as a SQL pair under the question given, so the next such
 * question reuses it; the ask becomes verified.
 */
export function usePromoteAsk(id: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { question: string; sql: string; confirm?: boolean }) =>
      api.post<SqlPair>(`/api/asks/${encodeURIComponent(id)}/promote`, body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['sql-pairs'] });
      void client.invalidateQueries({ queryKey: KEY });
    },
    meta: { inlineErrors: true },
  });
}

/** Marks the ask verified or rejected, or unreviewed again (null). */
export function useReviewAsk(id: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (status: ReviewStatus | null) =>
      api.put<AskRecord>(`/api/asks/${encodeURIComponent(id)}/review`, { status }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: KEY });
      void client.invalidateQueries({ queryKey: ['sql-pairs'] });
    },
    meta: { inlineErrors: true },
  });
}

export function useAskFeedback(id: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (feedback: Feedback) =>
      api.post<unknown>(`/api/asks/${encodeURIComponent(id)}/feedback`, feedback),
    onSuccess: () => client.invalidateQueries({ queryKey: KEY }),
  });
}
