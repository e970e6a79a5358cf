import type { CellValue, ResultRow } from '@quarry/shared';
import { isQuarryError, QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ColumnInfo, DataSource, QueryOptions, QueryResult, TableInfo } from '../ports.js';
import { toCell, toResult, toRows } from './cells.js';
import {
  DRY_RUN_TIMEOUT_MS,
  INTERNAL_ROW_LIMIT,
  INTERNAL_TIMEOUT_MS,
  type QueryPhase,
} from './queryErrors.js';
import { createStopper, type Stopper } from './stopper.js';
import type { ServerAddress } from './url.js';

/** One call on a database session (MySQL, PostgreSQL): the SQL and the limits it runs under. */
export interface SessionRequest {
  sql: string;
  /** Placeholder values (`?`, `$1`…); only for Quarry's own queries, never for users' SQL. */
  values?: unknown[];
  rowLimit: number;
  /** Most bytes of rows (as JSON); unlimited when absent. */
  maxBytes?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  phase: QueryPhase;
}

/** What a call read: the rows up to the row and byte caps, and whether a cap cut them. */
export interface SessionResult {
  columns: string[];
  rows: unknown[][];
  capped: boolean;
}

/**
 * The DATASOURCE_UNAVAILABLE errors of one session: `doing` what failed on the `engine`
 * database at the target's host and port, in the driver's own words (its error code when it
 * gave no message), never with the password.
 */
export function unavailableErrors(
  target: ServerAddress,
  engine: 'MySQL' | 'PostgreSQL',
): (error: unknown, doing: string) => QuarryError {
  const where = `the ${engine} database '${target.database}' at ${target.host}:${target.port}`;
  // Drivers do not echo passwords today; this guards against one that does. Very short
  // passwords are skipped because masking every "a" in a message would hide its meaning.
  const hidePassword = (message: string) =>
    target.password.length >= 4 ? message.split(target.password).join('***') : message;
  return (error, doing) => {
    const code = (error as { code?: unknown } | null)?.code;
    const detail =
      error instanceof Error ? error.message || (typeof code === 'string' ? code : '') : '';
    return new QuarryError(
      'DATASOURCE_UNAVAILABLE',
      hidePassword(`Cannot ${doing} ${where}: ${detail || String(error)}`),
      {
        cause: error,
        context: { host: target.host, port: target.port, database: target.database },
      },
    );
  };
}

/**
 * A few distinct values of a column, for schema hints, through `run` with the dialect's
 * identifier quoting. Hints are optional: an unknown table or column just means none.
 */
export async function sampleColumnValues(
  run: RunOnSession,
  quote: (name: string) => string,
  sample: { table: string; column: string; limit: number; logger: Logger },
): Promise<CellValue[]> {
  const { table, column } = sample;
  const quoted = quote(column);
  const count = Math.max(0, Math.floor(sample.limit));
  try {
    const raw = await run({
      sql: `SELECT DISTINCT ${quoted} FROM ${quote(table)} WHERE ${quoted} IS NOT NULL LIMIT ${count}`,
      rowLimit: count,
      timeoutMs: INTERNAL_TIMEOUT_MS,
      phase: 'execute',
    });
    return raw.rows.map((row) => toCell(row[0]));
  } catch (error) {
    if (!isQuarryError(error, 'SQL_EXECUTION_FAILED')) throw error;
    sample.logger.debug({ err: error, table, column }, 'no sample values');
    return [];
  }
}

/**
 * A session's run and close over a pool of connections, as every engine has them: a call after
 * `close` is refused as DATASOURCE_UNAVAILABLE; otherwise one stopper (the call's time limit and
 * the caller's signal) covers both the wait for a connection and the streaming on it, and is
 * disposed however the call ends. The pool is closed once.
 */
export function pooledSession<Connection>(pool: {
  unavailable: (error: unknown, doing: string) => QuarryError;
  /** A connection ready for the request; rejects when `stop` fires first. */
  acquire(request: SessionRequest, stop: Stopper): Promise<Connection>;
  stream(connection: Connection, request: SessionRequest, stop: Stopper): Promise<SessionResult>;
  close(): Promise<void>;
}): { run: RunOnSession; close(): Promise<void> } {
  let closed = false;
  return {
    async run(request) {
      if (closed) throw pool.unavailable(new Error('the data source was closed.'), 'use');
      const stop = createStopper(request.timeoutMs, request.phase, request.signal);
      try {
        const connection = await pool.acquire(request, stop);
        return await pool.stream(connection, request, stop);
      } finally {
        stop.dispose();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
}

/** A session's one way to run SQL: MysqlSession.run, PostgresSession.run. */
export type RunOnSession = (request: SessionRequest) => Promise<SessionResult>;

/**
 * Models like to end with `;`: MySQL without multi-statements rejects `SELECT 1;`, and EXPLAIN
 * wraps the text on both engines.
 */
function withoutTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** Users' SQL on a session, within the caller's caps. */
async function executeOnSession(
  run: RunOnSession,
  sql: string,
  options: QueryOptions,
): Promise<QueryResult> {
  const raw = await run({ sql: withoutTrailingSemicolons(sql), ...options, phase: 'execute' });
  return { ...toResult(raw.columns, raw.rows), capped: raw.capped };
}

/** Quarry's own catalogue query on a session, its rows by column name. */
async function internalRows(
  run: RunOnSession,
  sql: string,
  values: unknown[],
): Promise<ResultRow[]> {
  const raw = await run({
    sql,
    values,
    rowLimit: INTERNAL_ROW_LIMIT,
    timeoutMs: INTERNAL_TIMEOUT_MS,
    phase: 'execute',
  });
  return toRows(raw.columns, raw.rows);
}

/**
 * The half of a DataSource that is the same on every server engine's session: users' SQL within
 * the caller's caps (`execute`), sample values with the engine's quoting, `close`; and, for the
 * engine's own half, Quarry's catalogue queries (`internalQuery`) and the dry run's EXPLAIN
 * (`explain`: the engine's EXPLAIN with its options) under the dry-run time limit.
 */
export function sessionDataSource(
  session: { run: RunOnSession; close(): Promise<void> },
  engine: { quote(name: string): string; logger: Logger; dryRunTimeoutMs?: number | undefined },
): Pick<DataSource, 'execute' | 'sampleValues' | 'close'> & {
  internalQuery(sql: string, values: unknown[]): Promise<ResultRow[]>;
  explain(explain: string, sql: string, signal: AbortSignal | undefined): Promise<SessionResult>;
} {
  const run: RunOnSession = (request) => session.run(request);
  return {
    execute: (sql, options) => executeOnSession(run, sql, options),
    sampleValues: (table, column, limit) =>
      sampleColumnValues(run, engine.quote, { table, column, limit, logger: engine.logger }),
    close: () => session.close(),
    internalQuery: (sql, values) => internalRows(run, sql, values),
    explain: (explain, sql, signal) =>
      run({
        sql: `${explain} ${withoutTrailingSemicolons(sql)}`,
        rowLimit: INTERNAL_ROW_LIMIT,
        timeoutMs: engine.dryRunTimeoutMs ?? DRY_RUN_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
        phase: 'dryRun',
      }),
  };
}

/**
 * The schema from a session's three catalogue queries: `tables` (name, comment) in the order
 * given, each with its `columns` (table_name and what `read.column` reads) and `foreignKeys`
 * (table_name, column_name, referenced_table, referenced_column) in their rows' order. Only how a
 * column and a table's comment read differs between engines.
 */
export function catalogueTables(
  rows: { tables: ResultRow[]; columns: ResultRow[]; foreignKeys: ResultRow[] },
  read: { comment(table: ResultRow): string | undefined; column(row: ResultRow): ColumnInfo },
): TableInfo[] {
  const byName = new Map<string, TableInfo>();
  for (const row of rows.tables) {
    const name = String(row.name);
    const comment = read.comment(row);
    byName.set(name, { name, ...(comment ? { comment } : {}), columns: [], foreignKeys: [] });
  }
  for (const row of rows.columns) {
    byName.get(String(row.table_name))?.columns.push(read.column(row));
  }
  for (const row of rows.foreignKeys) {
    byName.get(String(row.table_name))?.foreignKeys.push({
      column: String(row.column_name),
      referencedTable: String(row.referenced_table),
      referencedColumn: String(row.referenced_column),
    });
  }
  return [...byName.values()];
}
