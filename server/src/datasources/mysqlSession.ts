import type { Connection, FieldPacket, QueryError, TypeCast } from 'mysql2';
import type { Logger } from '../logger.js';
import { uniqueColumnNames } from './cells.js';
import { createMysqlConnectionPool, type PooledMysqlConnection } from './mysqlPool.js';
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

/** Where a mysql:// URL points, and how many connections Quarry may hold there. */
export type MysqlTarget = ServerAddress;

/**
 * A pool of read-only sessions on one MySQL/MariaDB database, never more than
 * `poolSize` connections (see MysqlConnectionPool). Every call re-asserts the read-only
 * transaction mode, the sql_mode and charset the guard assumes (SQL_MODE, utf8mb4) and sets
 * the server-side statement time limit, streams rows and stops at
 * the row or byte cap. Whenever a call ends before its statement did (a cap, time-out, abort), the
 * statement is killed from a connection kept for that (`KILL QUERY`), the rest of its result
 * read off, and the connection reused; when any of that fails, the connection is closed.
 * Either way the call returns only once the server no longer works for it. Dead pooled
 * connections are replaced transparently before the query is sent; a connection lost while
 * a statement runs fails the call at once.
 */
export interface MysqlSession {
  run(request: SessionRequest): Promise<SessionResult>;
  close(): Promise<void>;
}

/** How this server spells the settings each call needs (MySQL and MariaDB differ). */
interface Dialect {
  readOnlyVariable: 'transaction_read_only' | 'tx_read_only';
  timeLimit(ms: number): string;
}

const SERVER_TIMEOUT_ERRNOS = new Set([1969, 3024]); // MariaDB max_statement_time, MySQL MAX_EXECUTION_TIME
/**
 * The sql_mode every call runs under, whatever the server's or the account's default: the
 * guard's lexer reads SQL as MySQL does by default (backslash escapes in strings, double
 * quotes around strings), so NO_BACKSLASH_ESCAPES and ANSI_QUOTES (or ANSI, ORACLE… that
 * imply them) must never be in force, or `'q\' INTO OUTFILE …` would be one string to the
 * guard and a file write to the server. The charset is stated for the same reason: in a
 * multi-byte charset such as GBK a backslash byte can be part of a character. IGNORE_SPACE
 * stays, as mysql2's connection flag asks for it and model-written SQL relies on it
 * (`COUNT (*)`, common in Spider, is a syntax error without it); it changes no quoting.
 */
export const SQL_MODE =
  'IGNORE_SPACE,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';
/** ER_QUERY_INTERRUPTED: a KILL QUERY that arrived as the statement ended can hit the next one. */
const QUERY_INTERRUPTED = 1317;
/** How long cancelling may take (connect, KILL QUERY, reading off the rest) before the connection is closed instead. */
const CANCEL_WITHIN_MS = 3000;
/** A lost connection (network error, server gone, killed thread); mysql2 marks these fatal. */
function isConnectionLost(error: unknown): boolean {
  return (error as { fatal?: unknown } | null)?.fatal === true;
}

// BIT(n) columns arrive as bytes; as a number they read like the flags they usually are.
const castBits: TypeCast = (field, next) => {
  if (field.type !== 'BIT') return next();
  const bytes = field.buffer();
  return bytes === null ? null : bytes.reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
};

const succeeded = () => true;
const failed = () => false;

/** True when `signal` aborts before `work` settles (either way). */
async function stoppedFirst(work: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return true;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<boolean>((resolve) => {
    onAbort = () => resolve(true);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work.then(failed, failed), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Resolves with `promise`'s value, or `fallback` once `ms` have passed. */
function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Opens nothing until the first call. */
export function createMysqlSession(target: MysqlTarget, logger: Logger): MysqlSession {
  const options = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    charset: 'utf8mb4',
    connectTimeout: 10_000,
    multipleStatements: false,
  };
  // One connection of the budget is kept for KILL QUERY, so stopping a statement never waits
  // for a connection the stopped statements hold. With a budget of one there is none to spare:
  // a stopped statement's connection is closed, which ends it at its next write to us.
  const canKill = target.poolSize > 1;
  const pool = createMysqlConnectionPool(
    {
      ...options,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: true,
      typeCast: castBits,
    },
    { size: canKill ? target.poolSize - 1 : 1, idleMs: target.poolIdleMs },
  );
  const killers = canKill
    ? createMysqlConnectionPool(
        { ...options, connectTimeout: CANCEL_WITHIN_MS },
        { size: 1, idleMs: target.poolIdleMs },
      )
    : undefined;
  let dialect: Promise<Dialect> | undefined;

  const unavailable = unavailableErrors(target, 'MySQL');

  function simpleQuery(connection: Connection, sql: string): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      connection.query({ sql, rowsAsArray: true }, (error, rows) => {
        if (error) reject(error);
        else resolve(rows as unknown[]);
      });
    });
  }

  async function detectDialect(connection: Connection): Promise<Dialect> {
    const [[version]] = (await simpleQuery(connection, 'SELECT VERSION()')) as [[string]];
    const mariadb = /mariadb/i.test(version);
    let readOnlyVariable: Dialect['readOnlyVariable'] = 'transaction_read_only';
    try {
      await simpleQuery(connection, 'SELECT @@session.transaction_read_only');
    } catch (error) {
      if (isConnectionLost(error)) throw error;
      readOnlyVariable = 'tx_read_only'; // MariaDB before 11.1, MySQL before 5.7.20
    }
    logger.debug({ version, readOnlyVariable }, 'MySQL server detected');
    return {
      readOnlyVariable,
      timeLimit: mariadb
        ? (ms) => `max_statement_time = ${Math.max(ms, 1) / 1000}`
        : (ms) => `max_execution_time = ${Math.max(Math.ceil(ms), 1)}`,
    };
  }

  /** A pooled connection set up for one call; retries when a pooled connection turns out dead. */
  async function acquire(timeoutMs: number, signal: AbortSignal): Promise<PooledMysqlConnection> {
    for (let attempt = 1; ; attempt++) {
      let pooled: PooledMysqlConnection;
      try {
        pooled = await pool.acquire(signal);
      } catch (error) {
        if (signal.aborted) throw error;
        throw unavailable(error, 'connect to');
      }
      const setup = prepare(pooled.connection, timeoutMs);
      if (await stoppedFirst(setup, signal)) {
        // The setup is one quick statement unless the server has stopped answering; then
        // closing the socket is the only way out within the call's limits.
        const clean = await within(setup.then(succeeded, failed), CANCEL_WITHIN_MS, false);
        if (clean) pooled.release();
        else pooled.destroy();
        throw signal.reason;
      }
      try {
        await setup;
        return pooled;
      } catch (error) {
        pooled.destroy();
        const retry = isConnectionLost(error) || (error as QueryError).errno === QUERY_INTERRUPTED;
        if (!retry) throw databaseError(error, 'execute');
        if (attempt >= 3) throw unavailable(error, 'reach');
        logger.debug({ err: error, attempt }, 'discarding a dead pooled connection');
      }
    }
  }

  /** States what every call runs under (see MysqlSession). */
  async function prepare(connection: Connection, timeoutMs: number): Promise<void> {
    dialect ??= detectDialect(connection).catch((error: unknown) => {
      dialect = undefined;
      throw error;
    });
    const { readOnlyVariable, timeLimit } = await dialect;
    await simpleQuery(
      connection,
      `SET SESSION ${readOnlyVariable} = 1, ${timeLimit(timeoutMs)}, sql_mode = '${SQL_MODE}', NAMES utf8mb4`,
    );
  }

  /** `KILL QUERY threadId` on the connection kept for it; true when the server took it. */
  async function killQuery(threadId: number): Promise<boolean> {
    if (!killers) return false;
    let killer: PooledMysqlConnection;
    try {
      killer = await killers.acquire(AbortSignal.timeout(CANCEL_WITHIN_MS));
    } catch (error) {
      logger.warn({ err: error, threadId }, 'no connection to kill a MySQL query with');
      return false;
    }
    const killing = simpleQuery(killer.connection, `KILL QUERY ${Number(threadId)}`).then(
      () => undefined,
      (error: QueryError) => error,
    );
    const failed = await within(killing, CANCEL_WITHIN_MS, new Error('KILL QUERY took too long'));
    if (!failed) {
      killer.release();
      return true;
    }
    if (isConnectionLost(failed) || !('errno' in failed)) killer.destroy();
    else killer.release();
    logger.warn({ err: failed, threadId }, 'could not kill a MySQL query');
    return false;
  }

  /**
   * Ends the statement still running on `pooled` (the caller stopped reading): kills it, reads
   * off what it had sent and lends the connection again, or closes it when that fails.
   */
  async function cancel(pooled: PooledMysqlConnection, ended: Promise<boolean>): Promise<void> {
    pooled.connection.pause();
    if (await killQuery(pooled.connection.threadId as number)) {
      pooled.connection.resume();
      if (await within(ended, CANCEL_WITHIN_MS, false)) {
        pooled.release();
        return;
      }
    }
    pooled.destroy();
  }

  function stream(pooled: PooledMysqlConnection, request: SessionRequest, stop: Stopper) {
    return new Promise<SessionResult>((resolve, reject) => {
      let columns: string[] = [];
      const rows: unknown[][] = [];
      let done = false;
      // Settles when the statement is over on the connection: true when it is clean to reuse.
      let settleEnded: (clean: boolean) => void = () => undefined;
      const ended = new Promise<boolean>((settle) => {
        settleEnded = settle;
      });
      const stopEarly = async (answer: () => void) => {
        if (done) return;
        done = true;
        await cancel(pooled, ended);
        answer();
      };
      stop.onStop((error) => void stopEarly(() => reject(error)));
      const query = pooled.connection.query({
        sql: request.sql,
        values: request.values,
        rowsAsArray: true,
      });
      let described = false;
      let budget: ReturnType<typeof createByteBudget> | undefined;
      // Only the first result set counts (a CALL could return several); mysql2 gives `fields` no index.
      query.on('fields', (fields: FieldPacket[] | undefined) => {
        // Statements without a result set (SET, writes) announce `undefined` fields.
        if (described || !fields) return;
        described = true;
        columns = fields.map((field) => field.name);
        if (request.maxBytes !== undefined) {
          budget = createByteBudget(uniqueColumnNames(columns), request.maxBytes);
        }
      });
      query.on('result', (row: unknown, index: number) => {
        if (done || index !== 0 || !Array.isArray(row)) return;
        if (rows.length < request.rowLimit && (budget?.fits(row) ?? true)) rows.push(row);
        else void stopEarly(() => resolve({ columns, rows, capped: true }));
      });
      const fail = (error: QueryError) => {
        settleEnded(!error.fatal);
        pooled.connection.off('error', fail);
        if (done) return;
        done = true;
        if (error.fatal) pooled.destroy();
        else pooled.release();
        if (error.errno !== undefined && SERVER_TIMEOUT_ERRNOS.has(error.errno)) {
          reject(timeoutError(request.timeoutMs, request.phase));
        } else if (isConnectionLost(error)) {
          reject(unavailable(error, 'keep the connection to'));
        } else {
          reject(databaseError(error, request.phase));
        }
      };
      query.on('error', fail);
      // mysql2 tells a lost connection to the query only when it was given a callback; without
      // one it goes to the connection, and the call would wait for its time limit.
      pooled.connection.on('error', fail);
      query.on('end', () => {
        settleEnded(true);
        pooled.connection.off('error', fail);
        if (done) return;
        done = true;
        pooled.release();
        resolve({ columns, rows, capped: false });
      });
    });
  }

  return pooledSession({
    unavailable,
    acquire: (request, stop) => acquire(request.timeoutMs, stop.signal),
    stream,
    async close() {
      await Promise.all([pool.close(), killers?.close()]);
    },
  });
}
