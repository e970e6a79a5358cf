import type { AskRecord, Feedback, SqlPair } from '@quarry/shared';
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

/** Saves the ask's SQL as a SQL pair, so the next similar question reuses it. */
export function usePromoteAsk() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api.post<SqlPair>(`/api/asks/${encodeURIComponent(id)}/promote`, {}),
    onSuccess: () => client.invalidateQueries({ queryKey: ['sql-pairs'] }),
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
