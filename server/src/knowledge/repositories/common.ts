import type { ImportRowError, Reason, ReasonCode } from '@quarry/shared';
import {
  type DataSource,
  type FindOptionsWhere,
  type ObjectLiteral,
  QueryFailedError,
  type Repository,
} from 'typeorm';
import { QuarryError } from '../../errors.js';

/** Rows per multi-row INSERT: well under SQLite's bound-parameter limit, few round trips. */
export const INSERT_CHUNK = 200;

export function iso(date: Date): string {
  return date.toISOString();
}

export function notFound(what: string, id: number | string): QuarryError {
  return new QuarryError('NOT_FOUND', `There is no ${what} with id ${id}.`, {
    context: { id },
  });
}

/** The row `where` picks, or NOT_FOUND naming `what` and `id`. */
export async function findOrNotFound<Row extends ObjectLiteral>(
  rows: Repository<Row>,
  where: FindOptionsWhere<Row>,
  what: string,
  id: number | string,
): Promise<Row> {
  const row = await rows.findOneBy(where);
  if (!row) throw notFound(what, id);
  return row;
}

/** Deletes the row `where` picks; NOT_FOUND naming `what` and `id` when there was none. */
export async function deleteOrNotFound<Row extends ObjectLiteral>(
  rows: Repository<Row>,
  where: FindOptionsWhere<Row>,
  what: string,
  id: number | string,
): Promise<void> {
  const result = await rows.delete(where);
  if (!result.affected) throw notFound(what, id);
}

/** True for MySQL ER_DUP_ENTRY (1062) and SQLite SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown; errno?: unknown } | undefined;
  return (
    driverError?.code === 'ER_DUP_ENTRY' ||
    driverError?.errno === 1062 ||
    driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

const DUPLICATE_REASONS: Record<string, ReasonCode> = {
  question: 'duplicate_pair',
  abbreviation: 'duplicate_abbreviation',
};

/**
 * Runs a write and turns a unique violation into CONFLICT naming `field`, so the API answers
 * 409 with the field instead of 500.
 */
export async function uniquely<T>(
  field: string,
  message: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      const reason = { code: DUPLICATE_REASONS[field] ?? 'duplicate_name' } satisfies Reason;
      throw new QuarryError('CONFLICT', message, {
        cause: error,
        context: { fields: { [field]: message }, reason, fieldReasons: { [field]: reason } },
      });
    }
    throw error;
  }
}

/**
 * The knowledge revision: one row bumped after every knowledge write. Bumping after the write
 * (not before) means a reader that saw the new number also sees the new data.
 */
export class Revision {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly dataSource: DataSource) {}

  /** Calls `listener` after every bump made through this process's store; returns the undo. */
  onBump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async current(): Promise<number> {
    const rows = (await this.dataSource.query(
      'SELECT revision FROM knowledge_revision WHERE id = 1',
    )) as Array<{ revision: number | string }>;
    return Number(rows[0]?.revision ?? 0);
  }

  async bump(): Promise<void> {
    await this.dataSource.query(
      'UPDATE knowledge_revision SET revision = revision + 1 WHERE id = 1',
    );
    for (const listener of this.listeners) listener();
  }
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The report line for a row whose key an earlier row of the same file already used. */
export function repeatedRow(row: number, earlier: number, field: string): ImportRowError {
  return {
    row,
    field,
    message: `Row ${row} repeats the ${field} of row ${earlier}; row ${earlier} was kept.`,
    reason: { code: 'repeated_row', params: { field, row: earlier } },
  };
}
