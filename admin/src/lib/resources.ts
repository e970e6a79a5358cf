import type { ImportMode, ImportReport, Page } from '@quarry/shared';
import {
  keepPreviousData,
  type QueryKey,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useState } from 'react';
import { type QueryParams, withQuery } from './api';
import { useNotify } from './notify';
import { useApi } from './providers';
import { PAGE_SIZE } from './useListParams';

/*
 * The requests every curated collection (SQL pairs, instructions, dictionary entries, data
 * sources) makes the same way. Each feature's `api.ts` names its path and cache key; these say
 * once how a page is fetched and what a change refreshes.
 */

/**
 * One page of a searchable list, cached under `key` plus the params. The previous page stays on
 * screen while the next one loads, so paging and typing a search do not flash an empty list.
 */
export function usePagedQuery<T>(key: QueryKey, path: string, params: QueryParams) {
  const api = useApi();
  return useQuery({
    queryKey: [...key, params],
    queryFn: () => api.get<Page<T>>(path, { ...params, page_size: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
}

/**
 * Every record of a collection that stays small (data sources, one source's semantic
 * definitions), for pickers and pages that show them all at once.
 */
export function useAllQuery<T>(key: QueryKey, path: string) {
  const api = useApi();
  return useQuery({
    queryKey: key,
    queryFn: () => api.get<Page<T>>(path, { page_size: 500 }),
    select: (page) => page.items,
  });
}

/**
 * Creates (POST `path`) or, given an id, replaces (PUT `path/id`) a record, then refreshes
 * everything under `key`. Its form shows the server's refusal next to the fields it names.
 */
export function useSaveResource<Input, Saved>(key: QueryKey, path: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: number | undefined; input: Input }) =>
      id === undefined ? api.post<Saved>(path, input) : api.put<Saved>(`${path}/${id}`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    meta: { inlineErrors: true },
  });
}

/** Deletes `path/id`; a refusal has no form to show it, so it becomes a notice. */
export function useDeleteResource(key: QueryKey, path: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete(`${path}/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
}

/** Sends a CSV or JSON file to `path/import`; the import dialog reports it row by row. */
/** One import request: the file, how to treat rows that differ, and whether only to preview. */
export interface ImportVariables {
  text: string;
  contentType: string;
  mode: ImportMode;
  dryRun: boolean;
}

export function useImportResource(key: QueryKey, path: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ text, contentType, mode, dryRun }: ImportVariables) =>
      api.upload<ImportReport>(
        withQuery(`${path}/import`, { mode, dry_run: dryRun ? 'true' : undefined }),
        text,
        contentType,
      ),
    onSuccess: (report) => {
      if (!report.dry_run) void client.invalidateQueries({ queryKey: key });
    },
    meta: { inlineErrors: true },
  });
}

/**
 * The ask-then-delete flow of a list page: `ask(item)` opens the confirmation, `confirm`
 * deletes it and says `deletedMessage` once it is gone, `cancel` closes. A failed delete
 * keeps the dialog open (the error is shown where every server error is).
 */
export function useConfirmedDelete<T extends { id: number }>(
  remove: ReturnType<typeof useDeleteResource>,
  deletedMessage: string,
) {
  const notify = useNotify();
  const [deleting, setDeleting] = useState<T | null>(null);
  return {
    deleting,
    busy: remove.isPending,
    ask: (item: T) => setDeleting(item),
    cancel: () => setDeleting(null),
    confirm: () => {
      if (!deleting) return;
      remove.mutate(deleting.id, {
        onSuccess: () => {
          notify('success', deletedMessage);
          setDeleting(null);
        },
      });
    },
  };
}
