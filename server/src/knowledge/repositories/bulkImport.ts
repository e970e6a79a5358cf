import type { ImportPreviewRow, ImportReport, ImportRowError } from '@quarry/shared';
import type {
  FindOptionsOrder,
  FindOptionsSelect,
  FindOptionsWhere,
  QueryDeepPartialEntity,
  Repository,
} from 'typeorm';
import type { ImportRow, ImportRunOptions, Transferable } from '../port.js';
import { chunks, INSERT_CHUNK, type Revision, repeatedRow, uniquely } from './common.js';
import type { Columns, KnowledgeRow, KnowledgeTable, UniqueField } from './knowledgeTable.js';

/** How one repository's rows are matched, compared and written during an import. */
export interface ImportTarget<I, V, S extends { id: number }> {
  /** Name of the field that identifies a row, for the report. */
  keyField: string;
  /** Everything stored now, keyed like `keyOf`. */
  loadExisting(): Promise<Map<string, S>>;
  toValues(input: I): V;
  keyOf(values: V): string;
  isSame(stored: S, values: V): boolean;
  /** The stored fields a changed row would replace, as the preview shows them. */
  before(stored: S, values: V): Record<string, unknown>;
  insertMany(values: V[], now: Date): Promise<void>;
  /** Throws CONFLICT when the key was taken meanwhile. */
  insertOne(values: V, now: Date): Promise<void>;
  updateOne(id: number, values: V, now: Date): Promise<void>;
}

/**
 * Applies an import: one read of what exists, set operations in memory, multi-row inserts.
 * A 10,000-row file costs a few dozen statements, not tens of thousands. Rows repeating an
 * earlier row's key are reported; rows that clash with a concurrent writer are reported.
 * Rows that would be written are checked first (`options.check`): a refused row is rejected
 * with its reason. `create_only` leaves differing stored rows alone; a dry run writes nothing.
 */
export async function applyImport<I, V, S extends { id: number }>(
  target: ImportTarget<I, V, S>,
  imported: ImportRow<I>[],
  options: ImportRunOptions<I> = { mode: 'overwrite', dryRun: false },
): Promise<ImportReport> {
  const report: ImportReport = {
    mode: options.mode,
    dry_run: options.dryRun,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    errors: [],
    rows: [],
  };
  const existing = await target.loadExisting();
  const seen = new Map<string, number>();
  const inserts: Array<{ row: number; values: V; preview: ImportPreviewRow }> = [];
  const updates: Array<{ id: number; values: V; preview: ImportPreviewRow }> = [];
  const reject = (preview: ImportPreviewRow, error: ImportRowError) => {
    preview.status = 'rejected';
    preview.written = false;
    preview.errors = [...(preview.errors ?? []), error];
    report.errors.push(error);
  };
  for (const { row, input } of imported) {
    const values = target.toValues(input);
    const key = target.keyOf(values);
    const preview: ImportPreviewRow = {
      row,
      status: 'new',
      key: String((input as Record<string, unknown>)[target.keyField] ?? key),
      values: input as Record<string, unknown>,
      written: false,
    };
    report.rows.push(preview);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      reject(preview, repeatedRow(row, earlier, target.keyField));
      continue;
    }
    seen.set(key, row);
    const stored = existing.get(key);
    if (stored && target.isSame(stored, values)) {
      preview.status = 'unchanged';
      report.unchanged++;
      continue;
    }
    if (stored) {
      preview.status = 'changed';
      preview.before = target.before(stored, values);
      if (options.mode === 'create_only') {
        report.skipped++;
        continue;
      }
    }
    const checked = options.check ? await options.check(input) : {};
    if (checked.error) {
      reject(preview, { row, ...checked.error });
      continue;
    }
    if (checked.warnings && checked.warnings.length > 0) preview.warnings = checked.warnings;
    preview.written = true;
    if (stored) updates.push({ id: stored.id, values, preview });
    else inserts.push({ row, values, preview });
  }
  if (options.dryRun) {
    report.created = inserts.length;
    report.updated = updates.length;
    report.errors.sort((a, b) => a.row - b.row);
    return report;
  }
  const now = new Date();
  for (const batch of chunks(inserts, INSERT_CHUNK)) {
    try {
      await target.insertMany(
        batch.map((item) => item.values),
        now,
      );
      report.created += batch.length;
    } catch {
      // Someone inserted one of these keys meanwhile: retry row by row so only the
      // clashing rows are reported.
      for (const { row, values, preview } of batch) {
        try {
          await target.insertOne(values, now);
          report.created++;
        } catch (error) {
          reject(preview, { row, field: target.keyField, message: (error as Error).message });
        }
      }
    }
  }
  for (const { id, values } of updates) {
    await target.updateOne(id, values, now);
    report.updated++;
  }
  report.errors.sort((a, b) => a.row - b.row);
  return report;
}

/** How a knowledge table's rows leave in an export and are matched when a file comes back. */
export interface TableTransfer<Row extends KnowledgeRow, Selected extends keyof Row> {
  /** The stored columns `keyOf` and `isSame` read; `id` is always read. */
  columns: readonly Selected[];
  /** The natural key, read from a stored row or from a file row's columns alike. */
  keyOf(row: Pick<Row, Selected> | Columns<Row>): string;
  /** True when importing `values` would change nothing the user sees. */
  isSame(stored: Pick<Row, Selected>, values: Columns<Row>): boolean;
  /** The stored fields a changed row replaces, for the import preview's diff. */
  before(stored: Pick<Row, Selected>, values: Columns<Row>): Record<string, unknown>;
  /** The order of an export, so an exported file reads the same every time. */
  exportOrder: FindOptionsOrder<Row>;
}

/**
 * Import and export for a knowledge table, within `table.scope`. Imports run `applyImport`:
 * stored rows are read once, new ones inserted in multi-row statements, and the revision moves
 * when anything was written.
 */
export function createTransfer<Row extends KnowledgeRow, Item, Input, Selected extends keyof Row>(
  rows: Repository<Row>,
  revision: Revision,
  table: KnowledgeTable<Row, Item, Input> & { unique: UniqueField<Columns<Row>> },
  transfer: TableTransfer<Row, Selected>,
): Transferable<Item, Input> {
  type Stored = Pick<Row, Selected | 'id'>;
  const inScope = table.scope ? { where: table.scope } : {};
  const withTimes = (values: Columns<Row>, now: Date) =>
    ({ ...values, created_at: now, updated_at: now }) as QueryDeepPartialEntity<Row>;
  const target: ImportTarget<Input, Columns<Row>, Stored> = {
    keyField: table.unique.field,
    async loadExisting() {
      const select = Object.fromEntries(
        ['id', ...transfer.columns].map((column) => [column, true]),
      ) as FindOptionsSelect<Row>;
      const found: Stored[] = await rows.find({ select, ...inScope });
      return new Map(found.map((row) => [transfer.keyOf(row), row]));
    },
    toValues: table.columnsOf,
    keyOf: transfer.keyOf,
    isSame: transfer.isSame,
    before: transfer.before,
    async insertMany(values, now) {
      await rows
        .createQueryBuilder()
        .insert()
        .values(values.map((v) => withTimes(v, now)))
        .updateEntity(false)
        .execute();
    },
    async insertOne(values, now) {
      await uniquely(table.unique.field, table.unique.message(values), () =>
        rows.insert(withTimes(values, now)),
      );
    },
    async updateOne(id, values, now) {
      const changed = { ...values, updated_at: now } as QueryDeepPartialEntity<Row>;
      await rows.update({ id } as FindOptionsWhere<Row>, changed);
    },
  };

  return {
    async importMany(imported, options) {
      const report = await applyImport(target, imported, options);
      if (!report.dry_run && report.created + report.updated > 0) await revision.bump();
      return report;
    },

    async exportAll() {
      return (await rows.find({ ...inScope, order: transfer.exportOrder })).map(table.toItem);
    },
  };
}
