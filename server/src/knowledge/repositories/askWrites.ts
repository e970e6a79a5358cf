import type { AskChart } from '@quarry/shared';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { AskEntity, type AskRow } from '../entities/index.js';
import { normalizeQuestion, questionKey } from '../normalize.js';
import type { AskCreate, AskPatch, AskWrite } from '../port.js';
import { INSERT_CHUNK } from './common.js';

/** Longest error text kept; a driver's message can quote a whole statement. */
const MAX_ERROR_CHARS = 4000;
/** Longest answer kept: a direct answer and two facts are a few hundred characters. */
const MAX_ANSWER_CHARS = 4000;
const MAX_FOLLOW_UPS = 5;
const MAX_FOLLOW_UP_CHARS = 300;
/**
 * A chart is kept with its spec (and so its rows) up to this many UTF-8 bytes of JSON, which
 * fits MySQL's TEXT (65,535 bytes): a monthly series or fifty bars, not a 1,000-point scatter.
 * A larger one is kept as its kind only.
 */
export const MAX_CHART_BYTES = 60_000;

/** The row an ask starts as. */
export function newAskRow(record: AskCreate & { id: string }, now: Date): AskRow {
  const normalized = normalizeQuestion(record.question);
  return {
    id: record.id,
    question: record.question,
    normalized_question: normalized,
    question_key: questionKey(normalized),
    rephrased_question: null,
    intent: null,
    thread_id: record.thread_id ?? null,
    asked_by: record.asked_by ?? null,
    asked_by_name: record.asked_by_name ?? null,
    source: record.source,
    datasource: record.datasource,
    sql: null,
    status: record.status ?? 'understanding',
    row_count: null,
    timings: '{}',
    error_code: null,
    error: null,
    semantics_used: null,
    rating: null,
    feedback_comment: null,
    details: null,
    review_status: null,
    correction_count: null,
    promoted_pair_id: null,
    answer: null,
    chart: null,
    follow_ups: null,
    result_sample: null,
    created_at: now,
    updated_at: now,
  };
}

/** The columns a patch sets (updated_at aside). */
export function columnsOfPatch(patch: AskPatch): Partial<AskRow> {
  const columns: Partial<AskRow> = {};
  if (patch.rephrased_question !== undefined) columns.rephrased_question = patch.rephrased_question;
  if (patch.intent !== undefined) columns.intent = patch.intent;
  if (patch.sql !== undefined) columns.sql = patch.sql;
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.row_count !== undefined) columns.row_count = patch.row_count;
  if (patch.timings !== undefined) columns.timings = JSON.stringify(patch.timings);
  if (patch.semantics_used !== undefined)
    columns.semantics_used = patch.semantics_used && JSON.stringify(patch.semantics_used);
  if (patch.error_code !== undefined) columns.error_code = patch.error_code;
  if (patch.error !== undefined) columns.error = patch.error?.slice(0, MAX_ERROR_CHARS) ?? null;
  if (patch.details !== undefined) {
    columns.details = patch.details === null ? null : JSON.stringify(patch.details);
    columns.correction_count =
      patch.details === null
        ? null
        : Math.max(0, ...patch.details.attempts.map((attempt) => attempt.attempt));
  }
  if (patch.review_status !== undefined) columns.review_status = patch.review_status;
  if (patch.promoted_pair_id !== undefined) columns.promoted_pair_id = patch.promoted_pair_id;
  if (patch.answer !== undefined)
    columns.answer = patch.answer === null ? null : boundText(patch.answer, MAX_ANSWER_CHARS);
  if (patch.chart !== undefined) columns.chart = chartColumn(patch.chart);
  if (patch.follow_ups !== undefined) {
    columns.follow_ups =
      patch.follow_ups === null
        ? null
        : JSON.stringify(
            patch.follow_ups
              .slice(0, MAX_FOLLOW_UPS)
              .map((question) => boundText(question, MAX_FOLLOW_UP_CHARS)),
          );
  }
  if (patch.result_sample !== undefined)
    columns.result_sample = patch.result_sample && JSON.stringify(patch.result_sample);
  return columns;
}

/** At most `max` characters, the cut marked with an ellipsis (never splitting a surrogate pair). */
function boundText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The chart as stored: with its spec while that stays within MAX_CHART_BYTES. */
function chartColumn(chart: AskChart | null): string | null {
  if (!chart) return null;
  const whole = JSON.stringify({ kind: chart.kind, chosen_by: chart.chosen_by, spec: chart.spec });
  if (Buffer.byteLength(whole, 'utf8') <= MAX_CHART_BYTES) return whole;
  return JSON.stringify({ kind: chart.kind, chosen_by: chart.chosen_by, spec: null });
}

type BatchWriter = (writes: readonly AskWrite[]) => Promise<{ missing: number[] }>;

/**
 * Ask-history batches written below TypeORM's entity layer: these writes are most of what the
 * app database sees, and the query builder's per-statement work was a large share of an ask's
 * CPU. Values still go through the driver's own conversion, so rows read back as TypeORM wrote them.
 */
export function createAskBatchWriter(dataSource: DataSource): BatchWriter {
  const metadata = dataSource.getMetadata(AskEntity);
  const { driver } = dataSource;
  const columns = metadata.columns;
  const column = (name: string): ColumnMetadata => {
    const found = metadata.findColumnWithPropertyName(name);
    if (!found) throw new Error(`asks has no column ${name}`);
    return found;
  };
  const persisted = (row: Partial<AskRow>, names: readonly string[]) =>
    names.map((name) =>
      driver.preparePersistentValue(row[name as keyof AskRow] ?? null, column(name)),
    );
  const table = driver.escape(metadata.tableName);
  const id = driver.escape(column('id').databaseName);
  const allNames = columns.map((c) => c.propertyName);
  const insertColumns = columns.map((c) => driver.escape(c.databaseName)).join(', ');
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  const updateSql = (names: readonly string[]) =>
    `UPDATE ${table} SET ${names
      .map((name) => `${driver.escape(column(name).databaseName)} = ?`)
      .join(', ')} WHERE ${id} = ?`;
  const updateOf = (write: Extract<AskWrite, { kind: 'update' }>) => {
    const row: Partial<AskRow> = { ...columnsOfPatch(write.patch), updated_at: write.at };
    const names = Object.keys(row);
    return { names, values: [...persisted(row, names), write.id] };
  };

  const type = dataSource.options.type;
  if (type === 'better-sqlite3') {
    const db = (driver as unknown as { databaseConnection: BetterSqlite3.Database })
      .databaseConnection;
    const insert = db.prepare(
      `INSERT INTO ${table} (${insertColumns}) VALUES ${placeholders} ON CONFLICT (${id}) DO NOTHING`,
    );
    // One statement per set of patched columns; an outcome patch comes in two shapes.
    const updates = new Map<string, BetterSqlite3.Statement>();
    const write = db.transaction((writes: readonly AskWrite[]) => {
      const missing: number[] = [];
      writes.forEach((entry, index) => {
        if (entry.kind === 'create') {
          insert.run(persisted(newAskRow(entry.record, entry.record.created_at), allNames));
          return;
        }
        const { names, values } = updateOf(entry);
        const key = names.join(',');
        let statement = updates.get(key);
        if (!statement) {
          statement = db.prepare(updateSql(names));
          updates.set(key, statement);
        }
        if (statement.run(values).changes === 0) missing.push(index);
      });
      return missing;
    });
    return async (writes) => {
      // TypeORM runs its own transactions as separate statements with awaits between them; a
      // batch started inside one would join it (better-sqlite3 nests by savepoint) and share
      // its fate, so it waits until that transaction has ended.
      while (db.inTransaction) await new Promise((settle) => setTimeout(settle, 1));
      return { missing: write(writes) };
    };
  }

  // MySQL / MariaDB: one connection of the pool, one transaction, the new asks as multi-row
  // INSERTs, then each outcome's UPDATE, in order.
  return async (writes) => {
    const runner = dataSource.createQueryRunner('master');
    try {
      await runner.connect();
      await runner.startTransaction();
      try {
        const creates = writes.flatMap((entry) =>
          entry.kind === 'create'
            ? [persisted(newAskRow(entry.record, entry.record.created_at), allNames)]
            : [],
        );
        for (let start = 0; start < creates.length; start += INSERT_CHUNK) {
          const chunk = creates.slice(start, start + INSERT_CHUNK);
          await runner.query(
            `INSERT INTO ${table} (${insertColumns}) VALUES ${chunk.map(() => placeholders).join(', ')} ON DUPLICATE KEY UPDATE ${id} = ${id}`,
            chunk.flat(),
          );
        }
        // Creates first is still in order per ask: an ask's outcome is always written after its start.
        const missing: number[] = [];
        for (const [index, entry] of writes.entries()) {
          if (entry.kind !== 'update') continue;
          const { names, values } = updateOf(entry);
          const result = (await runner.query(updateSql(names), values)) as {
            affectedRows?: number;
          };
          if (!result.affectedRows) missing.push(index);
        }
        await runner.commitTransaction();
        return { missing };
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  };
}
