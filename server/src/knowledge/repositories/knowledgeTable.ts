import type { FindOptionsWhere, QueryDeepPartialEntity, Repository } from 'typeorm';
import type { CrudRepository } from '../port.js';
import { deleteOrNotFound, findOrNotFound, type Revision, uniquely } from './common.js';
import { type ListShape, listPage } from './listPage.js';

/** What every table admins edit has: a generated id and the two timestamps. */
export interface KnowledgeRow {
  id: number;
  created_at: Date;
  updated_at: Date;
}

/** A row's own columns: what an input becomes, before the id and timestamps are added. */
export type Columns<Row extends KnowledgeRow> = Omit<Row, keyof KnowledgeRow>;

/** The column a unique index guards and the CONFLICT message for a write that collides. */
export interface UniqueField<V> {
  field: string;
  message(values: V): string;
}

/** How one kind of knowledge is stored: the parts its repository does not share with others. */
export interface KnowledgeTable<Row extends KnowledgeRow, Item, Input> {
  /** What a row is called in NOT_FOUND messages ("SQL pair"). */
  what: string;
  /** The share of a table this repository owns (one dictionary's kind); every query keeps to it. */
  scope?: FindOptionsWhere<Row>;
  columnsOf(input: Input): Columns<Row>;
  toItem(row: Row): Item;
  /** Absent when nothing is unique besides the id. */
  unique?: UniqueField<Columns<Row>>;
  list: Omit<ListShape<Row>, 'where'>;
}

/** The rows of `table.scope` with this id: the scope keeps one dictionary off another's ids. */
function byId<Row extends KnowledgeRow>(
  table: Pick<KnowledgeTable<Row, unknown, unknown>, 'scope'>,
  id: number,
): FindOptionsWhere<Row> {
  return { ...table.scope, id } as FindOptionsWhere<Row>;
}

/**
 * List, read, create, change and remove for a knowledge table. Every write moves the knowledge
 * revision after it lands; a write that takes a unique value fails with CONFLICT naming the
 * field, an unknown id with NOT_FOUND.
 */
export function createKnowledgeCrud<Row extends KnowledgeRow, Item, Input>(
  rows: Repository<Row>,
  revision: Revision,
  table: KnowledgeTable<Row, Item, Input>,
): CrudRepository<Item, Input> {
  const { unique } = table;
  const guarded = <T>(columns: Columns<Row>, write: () => Promise<T>): Promise<T> =>
    unique ? uniquely(unique.field, unique.message(columns), write) : write();
  const require = (id: number) => findOrNotFound(rows, byId(table, id), table.what, id);

  return {
    list: (options) => listPage(rows, options, { ...table.list, where: table.scope }, table.toItem),

    async get(id) {
      const row = await rows.findOneBy(byId(table, id));
      return row ? table.toItem(row) : undefined;
    },

    async create(input) {
      const now = new Date();
      const columns = table.columnsOf(input);
      const values = { ...columns, created_at: now, updated_at: now };
      const result = await guarded(columns, () =>
        rows.insert(values as QueryDeepPartialEntity<Row>),
      );
      await revision.bump();
      return table.toItem({ ...values, id: Number(result.identifiers[0]?.id) } as Row);
    },

    async update(id, input) {
      await require(id);
      const columns = table.columnsOf(input);
      await guarded(columns, () =>
        rows.update(byId(table, id), {
          ...columns,
          updated_at: new Date(),
        } as QueryDeepPartialEntity<Row>),
      );
      await revision.bump();
      return table.toItem(await require(id));
    },

    async delete(id) {
      await deleteOrNotFound(rows, byId(table, id), table.what, id);
      await revision.bump();
    },
  };
}
