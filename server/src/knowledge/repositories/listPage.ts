import type { Page } from '@quarry/shared';
import {
  type FindOperator,
  type FindOptionsOrder,
  type FindOptionsSelect,
  type FindOptionsWhere,
  type ObjectLiteral,
  Raw,
  type Repository,
} from 'typeorm';
import type { ListOptions } from '../port.js';

export interface Paging {
  page: number;
  page_size: number;
  skip: number;
  take: number;
}

export function paging(options: ListOptions = {}): Paging {
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const pageSize = Math.min(500, Math.max(1, Math.floor(options.page_size ?? 20)));
  return { page, page_size: pageSize, skip: (page - 1) * pageSize, take: pageSize };
}

/**
 * A case-insensitive substring match that treats `%` and `_` in the search text literally.
 * `!` is the escape character because backslash means different things in MySQL and SQLite.
 */
export function contains(text: string): FindOperator<string> {
  const pattern = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return Raw((alias) => `LOWER(${alias}) LIKE LOWER(:pattern) ESCAPE '!'`, { pattern });
}

/** The search text of list options, or undefined when there is none. */
export function searchText(options: ListOptions = {}): string | undefined {
  const q = options.q?.trim();
  return q ? q : undefined;
}

/** What a repository's list shows: which rows, in which order, and what `q` searches. */
export interface ListShape<Row extends ObjectLiteral> {
  /** Text columns `q` is looked for in; a row matching in any one of them is listed. */
  searchColumns: ReadonlyArray<keyof Row & string>;
  /** Total, so pages never overlap or skip rows. */
  order: FindOptionsOrder<Row>;
  /** Conditions every listed row meets, with or without `q` (a dictionary's kind, filters). */
  where?: FindOptionsWhere<Row>;
  /** The columns read; every column when absent. */
  select?: FindOptionsSelect<Row>;
}

/**
 * One page of rows and the count of all that match, in one `findAndCount`. The search is an OR
 * over `searchColumns`, each branch carrying `where`, so filters hold on every branch.
 */
export async function listPage<Row extends ObjectLiteral, Item>(
  rows: Repository<Row>,
  options: ListOptions = {},
  shape: ListShape<Row>,
  toItem: (row: Row) => Item,
): Promise<Page<Item>> {
  const page = paging(options);
  const q = searchText(options);
  const base: FindOptionsWhere<Row> = shape.where ?? {};
  const [found, total] = await rows.findAndCount({
    where: q
      ? shape.searchColumns.map(
          (column) => ({ ...base, [column]: contains(q) }) as FindOptionsWhere<Row>,
        )
      : base,
    order: shape.order,
    ...(shape.select ? { select: shape.select } : {}),
    skip: page.skip,
    take: page.take,
  });
  return { items: found.map(toItem), total, page: page.page, page_size: page.page_size };
}
