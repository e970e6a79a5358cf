import type {
  DataSourceInput,
  DataSourceUpdate,
  DataSourceView,
  ResultRow,
  SchemaDescriptionInput,
} from '@quarry/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../lib/providers';
import { useAllQuery, useDeleteResource, useSaveResource } from '../../lib/resources';

const KEY = ['datasources'] as const;
const PATH = '/api/datasources';

export interface PreviewResult {
  columns: string[];
  rows: ResultRow[];
  capped: boolean;
}

/** Every data source: there are few, and pickers need them all. */
export function useDataSources() {
  return useAllQuery<DataSourceView>([...KEY, 'list'], PATH);
}

export function useSaveDataSource() {
  return useSaveResource<DataSourceInput | DataSourceUpdate, DataSourceView>(KEY, PATH);
}

export function useDeleteDataSource() {
  return useDeleteResource(KEY, PATH);
}

/** Connects with a URL (or a stored source's URL, by name) and reads its schema, saving nothing. */
export function useTestConnection() {
  const api = useApi();
  return useMutation({
    mutationFn: (body: { url?: string; name?: string }) =>
      api.post<unknown>('/api/datasources/test', body),
    meta: { inlineErrors: true },
  });
}

/** Runs read-only SQL against a data source and returns its first rows. */
export function usePreviewSql() {
  const api = useApi();
  return useMutation({
    mutationFn: ({ datasource, sql }: { datasource: string; sql: string }) =>
      api.post<PreviewResult>(`/api/datasources/${encodeURIComponent(datasource)}/preview`, {
        sql,
      }),
    meta: { inlineErrors: true },
  });
}

export interface SchemaColumn {
  name: string;
  type: string;
  nullable?: boolean;
  primaryKey?: boolean;
  comment?: string;
  description?: string | null;
  /** Hidden from the assistant. */
  hidden?: boolean;
}

export interface SchemaTable {
  name: string;
  comment?: string;
  description?: string | null;
  /** Hidden from the assistant, with all its columns. */
  hidden?: boolean;
  columns: SchemaColumn[];
}

export function useSchema(name: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...KEY, 'schema', name],
    queryFn: () =>
      api.get<{ tables: SchemaTable[] }>(`/api/datasources/${encodeURIComponent(name)}/schema`),
  });
}

export function useSaveDescription(name: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: SchemaDescriptionInput) =>
      api.put<unknown>(`/api/datasources/${encodeURIComponent(name)}/descriptions`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: [...KEY, 'schema', name] }),
    meta: { inlineErrors: true },
  });
}
