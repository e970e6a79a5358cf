import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

export const PAGE_SIZE = 20;

export interface ListParams {
  q: string;
  page: number;
  /** Other filters named in `filterKeys`, '' when unset. */
  filters: Record<string, string>;
  /** Changing anything but the page starts again at page 1. */
  set(changes: Record<string, string | number | undefined>): void;
  /** The search text and its setter, to spread on the list's `SearchBox`. */
  search: { value: string; onChange: (q: string) => void };
  /** Goes to a page, for the list's pager (`onPage`). */
  setPage: (page: number) => void;
}

/**
 * Search, page and filters of a list, kept in the address bar so a filtered list can be
 * bookmarked, shared and returned to with Back.
 */
export function useListParams(filterKeys: readonly string[] = []): ListParams {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const filterKey = filterKeys.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for filterKeys
  const filters = useMemo(
    () => Object.fromEntries(filterKeys.map((key) => [key, params.get(key) ?? ''])),
    [params, filterKey],
  );
  const set = useCallback(
    (changes: Record<string, string | number | undefined>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined || value === '' || (key === 'page' && value === 1))
              next.delete(key);
            else next.set(key, String(value));
          }
          if (!('page' in changes)) next.delete('page');
          return next;
        },
        { replace: !('page' in changes) },
      );
    },
    [setParams],
  );
  const search = useMemo(
    () => ({ value: q, onChange: (next: string) => set({ q: next }) }),
    [q, set],
  );
  const setPage = useCallback((next: number) => set({ page: next }), [set]);
  return { q, page, filters, set, search, setPage };
}
