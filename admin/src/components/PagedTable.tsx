import type { Page } from '@quarry/shared';
import type { ReactNode } from 'react';
import { PAGE_SIZE } from '../lib/useListParams';
import { Pager } from './ListControls';
import { QueryState } from './states';
import { TableHead } from './TableHead';

/** A query of one page of a list, as `usePagedQuery` returns it. */
export interface PageQuery<T> {
  isPending: boolean;
  isFetching: boolean;
  error: unknown;
  data: Page<T> | undefined;
  refetch: () => unknown;
}

/**
 * One page of a list from the API with the pager under it, or `empty` when the page has no
 * items; loading and errors as every list shows them. `children` renders the items.
 */
export function PagedList<T>({
  query,
  onPage,
  empty,
  children,
}: {
  query: PageQuery<T>;
  onPage: (page: number) => void;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <QueryState query={query}>
      {(page) =>
        page.items.length === 0 ? (
          empty
        ) : (
          <>
            {children(page.items)}
            <Pager
              page={page.page}
              pageSize={page.page_size || PAGE_SIZE}
              total={page.total}
              onPage={onPage}
            />
          </>
        )
      }
    </QueryState>
  );
}

/**
 * A `PagedList` as a table: a header cell per column (and a silent one over the row actions
 * when `actions` is set), then `row` for each item, which returns its `<tr>`.
 */
export function PagedTable<T>({
  query,
  onPage,
  empty,
  columns,
  actions = false,
  className = 'table',
  row,
}: {
  query: PageQuery<T>;
  onPage: (page: number) => void;
  empty: ReactNode;
  columns: string[];
  actions?: boolean;
  className?: string;
  row: (item: T) => ReactNode;
}) {
  return (
    <PagedList query={query} onPage={onPage} empty={empty}>
      {(items) => (
        <table className={className} aria-busy={query.isFetching}>
          <TableHead columns={columns} actions={actions} />
          <tbody>{items.map(row)}</tbody>
        </table>
      )}
    </PagedList>
  );
}
