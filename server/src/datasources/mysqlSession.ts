import mysql, { type FieldPacket, type PoolConnection, type QueryError } from 'mysql2';
import { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { databaseError, type QueryPhase, timeoutError } from './queryErrors.js';
import { createStopper, type Stopper } from './stopper.js';

/** Where a mysql:// URL points. */
export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface MysqlRequest {
  sql: string;
  /** Placeholder values (`?`); only for Quarry's own queries, never for users' SQL. */
  values?: unknown[];
  rowLimit: number;
  timeoutMs: number;
  signal?: AbortSignal;
  phase: QueryPhase;
}

export interface MysqlRawResult {
  columns: string[];
  rows: unknown[][];
  capped: boolean;
}

/**
 * A pool of read-only sessions on one MySQL/MariaDB database. Every call re-asserts the
 * read-only transaction mode and sets the server-side statement time limit, streams rows and
 * stops at the row cap; on a time-out, abort or cap the query is killed from a second
 * connection (`KILL QUERY`) and its connection discarded. Dead pooled connections are
 * replaced transparently before the query is sent.
 */
export interface MysqlSession {
  run(request: MysqlRequest): Promise<MysqlRawResult>;
  close(): Promise<void>;
}

/** How this server spells the settings each call needs (MySQL and MariaDB differ). */
interface Dialect {
  readOnlyVariable: 'transaction_read_only' | 'tx_read_only';
  timeLimit(ms: number): string;
}

const SERVER_TIMEOUT_ERRNOS = new Set([1969, 3024]); // MariaDB max_statement_time, MySQL MAX_EXECUTION_TIME
/** A lost connection (network error, server gone, killed thread); mysql2 marks these fatal. */
function isConnectionLost(error: unknown): boolean {
  return (error as { fatal?: unknown } | null)?.fatal === true;
}

// BIT(n) columns arrive as bytes; as a number they read like the flags they usually are.
const castBits: mysql.TypeCast = (field, next) => {
  if (field.type !== 'BIT') return next();
  const bytes = field.buffer();
  return bytes === null ? null : bytes.reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
};

/** Opens nothing until the first call. */
export function createMysqlSession(target: MysqlTarget, logger: Logger): MysqlSession {
  const where = `the MySQL database '${target.database}' at ${target.host}:${target.port}`;
  const options = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    charset: 'utf8mb4',
    connectTimeout: 10_000,
    multipleStatements: false,
  };
  const pool = mysql.createPool({
    ...options,
    database: target.database,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    typeCast: castBits,
    connectionLimit: 5,
    maxIdle: 2,
    idleTimeout: 60_000,
  });
  let dialect: Promise<Dialect> | undefined;
  let closed = false;

  // Drivers do not echo passwords today; this guards against one that does. Very short
  // passwords are skipped because masking every "a" in a message would hide its meaning.
  function hidePassword(message: string): string {
    return target.password.length >= 4 ? message.split(target.password).join('***') : message;
  }

  function unavailable(error: unknown, doing: string): QuarryError {
    const detail = error instanceof Error ? error.message || (error as QueryError).code : '';
    return new QuarryError(
      'DATASOURCE_UNAVAILABLE',
      hidePassword(`Cannot ${doing} ${where}: ${detail || String(error)}`),
      {
        cause: error,
        context: { host: target.host, port: target.port, database: target.database },
      },
    );
  }

  function simpleQuery(connection: PoolConnection, sql: string): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      connection.query({ sql, rowsAsArray: true }, (error, rows) => {
        if (error) reject(error);
        else resolve(rows as unknown[]);
      });
    });
  }

  async function detectDialect(connection: PoolConnection): Promise<Dialect> {
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

  function getConnection(): Promise<PoolConnection> {
    return new Promise((resolve, reject) => {
      pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection)));
    });
  }

  /** A pooled connection set up for one call; retries when a pooled connection turns out dead. */
  async function acquire(timeoutMs: number): Promise<PoolConnection> {
    for (let attempt = 1; ; attempt++) {
      let connection: PoolConnection;
      try {
        connection = await getConnection();
      } catch (error) {
        throw unavailable(error, 'connect to');
      }
      try {
        dialect ??= detectDialect(connection).catch((error: unknown) => {
          dialect = undefined;
          throw error;
        });
        const { readOnlyVariable, timeLimit } = await dialect;
        await simpleQuery(
          connection,
          `SET SESSION ${readOnlyVariable} = 1, ${timeLimit(timeoutMs)}`,
        );
        return connection;
      } catch (error) {
        connection.destroy();
        if (!isConnectionLost(error)) throw databaseError(error, 'execute');
        if (attempt >= 3) throw unavailable(error, 'reach');
        logger.debug({ err: error, attempt }, 'discarding a dead pooled connection');
      }
    }
  }

  /** Kills the running statement of `threadId` from a fresh connection; never throws. */
  async function killQuery(threadId: number): Promise<void> {
    const killer = mysql.createConnection({ ...options, connectTimeout: 5000 });
    killer.on('error', () => undefined);
    try {
      await killer.promise().query(`KILL QUERY ${Number(threadId)}`);
    } catch (error) {
      logger.warn({ err: error, threadId }, 'could not kill a MySQL query');
    } finally {
      killer.destroy();
    }
  }

  function stream(connection: PoolConnection, request: MysqlRequest, stop: Stopper) {
    return new Promise<MysqlRawResult>((resolve, reject) => {
      let columns: string[] = [];
      const rows: unknown[][] = [];
      let done = false;
      const abandon = async (error?: QuarryError) => {
        if (done) return;
        done = true;
        connection.pause();
        await killQuery(connection.threadId);
        connection.destroy();
        if (error) reject(error);
        else resolve({ columns, rows, capped: true });
      };
      stop.onStop((error) => void abandon(error));
      const query = connection.query({
        sql: request.sql,
        values: request.values,
        rowsAsArray: true,
      });
      let described = false;
      // Only the first result set counts (a CALL could return several); mysql2 gives `fields` no index.
      query.on('fields', (fields: FieldPacket[] | undefined) => {
        // Statements without a result set (SET, writes) announce `undefined` fields.
        if (described || !fields) return;
        described = true;
        columns = fields.map((field) => field.name);
      });
      query.on('result', (row: unknown, index: number) => {
        if (done || index !== 0 || !Array.isArray(row)) return;
        if (rows.length < request.rowLimit) rows.push(row);
        else void abandon();
      });
      query.on('error', (error: QueryError) => {
        if (done) return;
        done = true;
        if (error.fatal) connection.destroy();
        else connection.release();
        if (error.errno !== undefined && SERVER_TIMEOUT_ERRNOS.has(error.errno)) {
          reject(timeoutError(request.timeoutMs, request.phase));
        } else if (isConnectionLost(error)) {
          reject(unavailable(error, 'keep the connection to'));
        } else {
          reject(databaseError(error, request.phase));
        }
      });
      query.on('end', () => {
        if (done) return;
        done = true;
        connection.release();
        resolve({ columns, rows, capped: false });
      });
    });
  }

  async function run(request: MysqlRequest): Promise<MysqlRawResult> {
    if (closed) throw unavailable(new Error('the data source was closed.'), 'use');
    const stop = createStopper(request.timeoutMs, request.phase, request.signal);
    try {
      const acquiring = acquire(request.timeoutMs);
      let connection: PoolConnection;
      try {
        connection = await Promise.race([acquiring, stop.stopped]);
      } catch (error) {
        void acquiring.then(
          (late) => late.release(),
          () => undefined,
        );
        throw error;
      }
      return await stream(connection, request, stop);
    } finally {
      stop.dispose();
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await pool.promise().end();
  }

  return { run, close };
}
