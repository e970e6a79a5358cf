import type { SqlPair, SqlPairInput } from '@quarry/shared';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../lib/providers';
import {
  useDeleteResource,
  useImportResource,
  usePagedQuery,
  useSaveResource,
} from '../../lib/resources';

const KEY = ['sql-pairs'] as const;
const PATH = '/api/sql-pairs';

export function useSqlPairs(params: { q: string; page: number }) {
  return usePagedQuery<SqlPair>([...KEY, 'list'], PATH, params);
}

export function useSqlPair(id: number | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: [...KEY, 'one', id],
    queryFn: () => api.get<SqlPair>(`${PATH}/${id}`),
    enabled: id !== undefined,
  });
}

export function useSaveSqlPair() {
  return useSaveResource<SqlPairInput, SqlPair>(KEY, PATH);
}

export function useDeleteSqlPair() {
  return useDeleteResource(KEY, PATH);
}

export function useImportSqlPairs() {
  return useImportResource(KEY, PATH);
}
