import { createRequire } from 'node:module';
import type pg from 'pg';
import type Cursor from 'pg-cursor';
import type { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { uniqueColumnNames } from './cells.js';
import { databaseError, timeoutError } from './queryErrors.js';
import { createByteBudget } from './resultSize.mjs';
import {
  pooledSession,
  type SessionRequest,
  type SessionResult,
  unavailableErrors,
} from './session.js';
import type { Stopper } from './stopper.js';
import type { ServerAddress } from './url.js';

/** Where a postgres:// URL points, and how the pool behaves. */
export interface PostgresTarget extends ServerAddress {
  /** The schema questions are answered from; the only one user SQL may read. */
  schema: string;
  /** `false`, or the `ssl` option of pg (sslmode=require: encrypted, certificate not checked). */
  ssl: false | { rejectUnauthorized: boolean };
}

/**
 * A pool of read-only sessions on one PostgreSQL database. Every call runs in its own
 * `READ ONLY` transaction with `statement_timeout`, `search_path` set to the configured schema
 * and `standard_conforming_strings` on (what the guard's lexer assumes), and ends with
 * `ROLLBACK; DISCARD ALL`, so nothing a statement did to the session outlives it. Rows are read
 * through a cursor and the cursor is closed at the row cap, so the server never produces more.
 * On a time-out or abort the backend is cancelled (`pg_cancel_backend` from a second
 * connection) and the connection discarded; a dropped connection fails the call at once.
 */
export interface PostgresSession {
  run(request: SessionRequest): Promise<SessionResult>;
  close(): Promise<void>;
}

const BATCH_ROWS = 500;
/** Cancels sent before the backend is terminated instead, each given this long to land. */
const CANCEL_ATTEMPTS = 5;
const CANCEL_GRACE_MS = 200;

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** SQLSTATE of a cancelled statement (by statement_timeout or pg_cancel_backend). */
const QUERY_CANCELED = '57014';
/** numeric values with at most this many significant digits survive a JS number unchanged. */
const SAFE_DIGITS = 15;

/** Keeps text: dates and times as the server writes them (no time zone shifts), JSON as written. */
export const asText = (value: string) => value;

/** int8 as a bigint, which cells turn into a number when it fits and a string otherwise. */
const toBigInt = (value: string) => BigInt(value);

/** numeric as a number when no digit is lost, else its exact text (NaN and Infinity too). */
function toDecimal(value: string): number | string {
  // AVG gives 2.5000000000000000: zeros at either end are no digits a double could lose.
  const digits = value
    .replace(/^[-+]/, '')
    .replace(/(\.\d*?)0+$/, '$1')
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
  const number = Number(value);
  return Number.isFinite(number) && digits.length <= SAFE_DIGITS ? number : value;
}

/**
 * How pg reads values of each type: int8 and numeric through `numbers`; dates, times, intervals
 * and JSON as the text the server wrote (no time zone shifts, JSON as written); every other type
 * as pg reads it. Quarry's sessions and the oracle's PostgreSQL gold differ only in the numbers.
 */
export function postgresTypeParsers(
  pgTypes: typeof pg.types,
  numbers: { int8: (text: string) => unknown; numeric: (text: string) => unknown },
): pg.CustomTypesConfig {
  const { builtins } = pgTypes;
  const textTypes = new Set<number>([
    builtins.DATE,
    builtins.TIMESTAMP,
    builtins.TIMESTAMPTZ,
    builtins.TIME,
    builtins.TIMETZ,
    builtins.INTERVAL,
    builtins.JSON,
    builtins.JSONB,
  ]);
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (format !== 'binary') {
        if (oid === builtins.INT8) return numbers.int8;
        if (oid === builtins.NUMERIC) return numbers.numeric;
        if (textTypes.has(oid)) return asText;
      }
      // biome-ignore lint/suspicious/noExplicitAny: pg's overloads take a literal format; ours is a union.
      return pgTypes.getTypeParser(oid, format as any);
    },
  } as pg.CustomTypesConfig;
}

interface Driver {
  pg: typeof pg;
  Cursor: typeof Cursor;
  /** How values of each type come back (see cells.ts for what happens to them next). */
  types: pg.CustomTypesConfig;
}

let driver: Driver | undefined;

/**
 * The pg driver, loaded on first use: most processes never open a PostgreSQL data source, and
 * every worker process started pays for what it imports.
 */
function loadDriver(): Driver {
  if (driver) return driver;
  const require = createRequire(import.meta.url);
  const loaded = require('pg') as typeof pg;
  const types = postgresTypeParsers(loaded.types, { int8: toBigInt, numeric: toDecimal });
  driver = { pg: loaded, Cursor: require('pg-cursor') as typeof Cursor, types };
  return driver;
}

/** The server cancelled the statement at `statement_timeout`. */
function isStatementTimeout(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === QUERY_CANCELED && typeof message === 'string' && /statement timeout/.test(message)
  );
}

/** A dropped connection or a failure to reach the server, as opposed to an SQL error. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // SQL errors carry a five-character SQLSTATE; network errors carry ECONNRESET and the like.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
  }
  return true;
}

/** Quotes an identifier for PostgreSQL: double quotes, embedded ones doubled. */
export function quotePostgresIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Opens nothing until the first call. */
export function createPostgresSession(target: PostgresTarget, logger: Logger): PostgresSession {
  const { pg: driverPg, Cursor: CursorClass, types: TYPES } = loadDriver();
  const connection = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: target.ssl,
    connectionTimeoutMillis: 10_000,
    application_name: 'quarry',
  };
  // pool_size counts every connection, the one that cancels included: one is kept for
  // cancelling (opened only when a query has to be stopped, one stop at a time), so a stop
  // never waits for the connections the stopped queries hold. With a size of one there is
  // none to spare: a stopped query's connection is closed and statement_timeout ends it.
  const canCancel = target.poolSize > 1;
  let cancelling: Promise<void> = Promise.resolve();
  const pool = new driverPg.Pool({
    ...connection,
    types: TYPES,
    max: canCancel ? target.poolSize - 1 : 1,
    idleTimeoutMillis: target.poolIdleMs,
  });
  // An idle connection that dies (server restart, network) is dropped by the pool; without a
  // listener the error would end the process.
  pool.on('error', (error) => logger.debug({ err: error }, 'an idle PostgreSQL connection failed'));

  const unavailable = unavailableErrors(target, 'PostgreSQL');

  function beginSql(timeoutMs: number): string {
    const timeout = Math.max(1, Math.ceil(timeoutMs));
    return [
      'BEGIN TRANSACTION READ ONLY',
      `SET LOCAL statement_timeout = ${timeout}`,
      `SET LOCAL lock_timeout = ${timeout}`,
      `SET LOCAL search_path = ${quotePostgresIdentifier(target.schema)}`,
      'SET LOCAL standard_conforming_strings = on',
    ].join('; ');
  }

  /** A pooled client inside a fresh read-only transaction; retries when a pooled one is dead. */
  async function acquire(timeoutMs: number): Promise<pg.PoolClient> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw unavailable(error, 'connect to');
      }
      try {
        await client.query(beginSql(timeoutMs));
        return client;
      } catch (error) {
        client.release(true);
        if (!isConnectionError(error)) throw databaseError(error, 'execute');
        if (attempt >= 3) throw unavailable(error, 'reach');
        logger.debug({ err: error, attempt }, 'discarding a dead pooled connection');
      }
    }
  }

  /** Ends the transaction and resets the session, then returns the client; never throws. */
  async function giveBack(client: pg.PoolClient): Promise<void> {
    try {
      await client.query('ROLLBACK; DISCARD ALL');
      client.release();
    } catch (error) {
      client.release(true);
      logger.debug({ err: error }, 'discarded a connection that could not be reset');
    }
  }

  /**
   * Stops whatever `processId` runs, from the connection kept for it, until `ended` settles: a
   * cancel that lands between two protocol messages is dropped by the server, so it is sent
   * again, and a backend that still runs after a few is terminated. Never throws.
   */
  async function stopBackend(processId: number, ended: Promise<unknown>): Promise<void> {
    if (!canCancel) return;
    const turn = cancelling.then(() => cancelBackend(processId, ended));
    cancelling = turn;
    await turn;
  }

  /** One stop of stopBackend's, on the connection kept for cancelling. Never throws. */
  async function cancelBackend(processId: number, ended: Promise<unknown>): Promise<void> {
    let finished = false;
    void ended.then(
      () => {
        finished = true;
      },
      () => {
        finished = true;
      },
    );
    const canceller = new driverPg.Client({ ...connection, connectionTimeoutMillis: 5000 });
    canceller.on('error', () => undefined);
    try {
      await canceller.connect();
      for (let attempt = 1; !finished; attempt++) {
        const call = attempt <= CANCEL_ATTEMPTS ? 'pg_cancel_backend' : 'pg_terminate_backend';
        await canceller.query(`SELECT pg_catalog.${call}($1)`, [processId]);
        if (attempt > CANCEL_ATTEMPTS) break;
        await Promise.race([ended.catch(() => undefined), delay(CANCEL_GRACE_MS)]);
      }
    } catch (error) {
      logger.warn({ err: error, processId }, 'could not cancel a PostgreSQL query');
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  function read(cursor: Cursor<unknown[]>, count: number) {
    return new Promise<{ rows: unknown[][]; fields: pg.FieldDef[] }>((resolve, reject) => {
      cursor.read(count, (error, rows, result) => {
        if (error) reject(error);
        else resolve({ rows, fields: result?.fields ?? [] });
      });
    });
  }

  function closeCursor(cursor: Cursor<unknown[]>): Promise<void> {
    return new Promise((resolve) => cursor.close(() => resolve()));
  }

  async function stream(
    client: pg.PoolClient,
    request: SessionRequest,
    stop: Stopper,
  ): Promise<SessionResult> {
    // The backend's pid, for cancelling from elsewhere; pg keeps it from the startup handshake.
    const processId = (client as unknown as { processID: number }).processID;
    let settled = false;
    let lost: unknown;
    const onClientError = (error: unknown) => {
      lost = error;
    };
    client.on('error', onClientError);
    const reading = (async () => {
      const cursor = client.query(
        new CursorClass<unknown[]>(request.sql, request.values, { rowMode: 'array', types: TYPES }),
      );
      const rows: unknown[][] = [];
      let columns: string[] = [];
      let budget: ReturnType<typeof createByteBudget> | undefined;
      for (;;) {
        // Under a byte cap the first batch is small: rows may be large.
        const batchRows = budget === undefined && request.maxBytes !== undefined ? 20 : BATCH_ROWS;
        const wanted = Math.min(batchRows, request.rowLimit + 1 - rows.length);
        const batch = await read(cursor, wanted);
        if (columns.length === 0) {
          columns = batch.fields.map((field) => field.name);
          if (request.maxBytes !== undefined) {
            budget = createByteBudget(uniqueColumnNames(columns), request.maxBytes);
          }
        }
        for (const row of batch.rows) {
          if (rows.length < request.rowLimit && (budget?.fits(row) ?? true)) {
            rows.push(row);
            continue;
          }
          await closeCursor(cursor);
          return { columns, rows, capped: true };
        }
        if (batch.rows.length < wanted) return { columns, rows, capped: false };
      }
    })();

    let stoppedBy: QuarryError | undefined;
    const stopping = new Promise<never>((_resolve, reject) => {
      stop.onStop((error) => {
        if (settled) return;
        settled = true;
        stoppedBy = error;
        // The caller hears at once; the connection is discarded once the backend has stopped.
        void stopBackend(processId, reading).finally(() => client.release(true));
        reject(error);
      });
    });
    stopping.catch(() => undefined);

    try {
      const result = await Promise.race([reading, stopping]);
      settled = true;
      client.off('error', onClientError);
      await giveBack(client);
      return result;
    } catch (error) {
      if (error === stoppedBy) throw error;
      settled = true;
      client.off('error', onClientError);
      if (lost !== undefined || isConnectionError(error)) {
        client.release(true);
        throw unavailable(lost ?? error, 'keep the connection to');
      }
      await giveBack(client);
      if (isStatementTimeout(error)) throw timeoutError(request.timeoutMs, request.phase);
      throw databaseError(error, request.phase);
    } finally {
      reading.catch(() => undefined);
    }
  }

  /** acquire, given up when `stop` fires first; a client that comes later goes back at once. */
  async function acquireUntilStopped(timeoutMs: number, stop: Stopper): Promise<pg.PoolClient> {
    const acquiring = acquire(timeoutMs);
    try {
      return await Promise.race([acquiring, stop.stopped]);
    } catch (error) {
      void acquiring.then(
        (late) => giveBack(late),
        () => undefined,
      );
      throw error;
    }
  }

  return pooledSession({
    unavailable,
    acquire: (request, stop) => acquireUntilStopped(request.timeoutMs, stop),
    stream,
    close: () => pool.end(),
  });
}
