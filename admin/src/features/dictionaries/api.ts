import type {
  DictionaryEntry,
  DictionaryEntryInput,
  DictionaryKind,
  SqlRewrite,
  WithWarnings,
} from '@quarry/shared';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../lib/providers';
import {
  useDeleteResource,
  useImportResource,
  usePagedQuery,
  useSaveResource,
} from '../../lib/resources';

const KEY = ['dictionaries'] as const;
export const dictionaryPath = (kind: DictionaryKind) => `/api/dictionaries/${kind}`;

export function useDictionary(kind: DictionaryKind, params: { q: string; page: number }) {
  return usePagedQuery<DictionaryEntry>([...KEY, kind], dictionaryPath(kind), params);
}

export function useSaveEntry(kind: DictionaryKind) {
  return useSaveResource<DictionaryEntryInput, DictionaryEntry & WithWarnings>(
    KEY,
    dictionaryPath(kind),
  );
}

export function useDeleteEntry(kind: DictionaryKind) {
  return useDeleteResource(KEY, dictionaryPath(kind));
}

export function useImportEntries(kind: DictionaryKind) {
  return useImportResource(KEY, dictionaryPath(kind));
}

/** How the dictionaries would rewrite a SQL string (department first, then project). */
export function useRewritePreview() {
  const api = useApi();
  return useMutation({
    mutationFn: (body: { sql: string; datasource?: string }) =>
      api.post<{ sql: string; rewrites: SqlRewrite[] }>('/api/dictionaries/preview', body),
    meta: { inlineErrors: true },
  });
}
