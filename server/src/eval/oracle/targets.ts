import mysql from 'mysql2/promise';
import { quoteMysqlIdentifier } from '../../datasources/mysql.js';
import { spiderDatabasePath } from '../spider.js';
import { createMysqlGold, type GoldEngine, startSqliteShellGold } from './gold.js';
import { loadSqliteIntoMysql } from './mysqlLoader.js';
import type { LoadReport } from './sqliteCopy.js';

/**
 * An engine the oracle runs a Spider-format dataset on: it makes each database available to
 * Quarry (loading it first where the engine is not SQLite) and brings the gold side that runs
 * the gold SQL on that engine independently of Quarry. A new engine (PostgreSQL, say) is one
 * more implementation: a loader from the dataset's SQLite files and a gold runner.
 */
export interface OracleTarget {
  /** "sqlite", "mariadb", … as reports name it. */
  readonly engine: string;
  readonly gold: GoldEngine;
  /** Makes one database ready; returns the DATABASE_URL Quarry opens and what the load left out. */
  load(db: string): Promise<{ url: string; warnings: string[] }>;
  /** Removes what `load` made (nothing for SQLite: the dataset's file is only read). */
  unload(db: string): Promise<void>;
  close(): Promise<void>;
}

/** How a database server's target names and keeps its copies. */
export interface ServerTargetOptions {
  /** What each copy's database name starts with: `quarry_oracle_` unless given. */
  prefix?: string;
  /** Leave the copies on the server after `unload`. */
  keep?: boolean;
}

/** The URL of the server database that holds the copy of Spider database `db`: `<prefix><db>`. */
function copyUrlOf(serverUrl: string, prefix: string): (db: string) => string {
  return (db) => {
    const url = new URL(serverUrl);
    url.pathname = `/${encodeURIComponent(`${prefix}${db}`)}`;
    return url.href;
  };
}

/** What a database server's target does its own way; `serverTarget` does the rest. */
export interface ServerCopies<Connection> {
  engine: string;
  gold: GoldEngine;
  /** Drops the copy of `db` if there is one (on the admin connection). */
  dropCopy(db: string): Promise<void>;
  /** Creates the empty database for the copy of `db`. */
  createCopy(db: string): Promise<void>;
  /** A connection of its own to the database at `url`, for the copy. */
  connect(url: string): Promise<Connection>;
  /** Copies the SQLite file into the database `connection` uses. */
  copy(sqlitePath: string, connection: Connection): Promise<LoadReport>;
  disconnect(connection: Connection): Promise<void>;
  /** Closes the admin connection. */
  close(): Promise<void>;
}

/** Where each copy goes on the server, for the engine's own part of a server target. */
export interface CopyNames {
  /** The URL of the database that holds the copy of Spider database `db`. */
  urlOf(db: string): string;
  /** That database's name, unquoted: `<prefix><db>`. */
  databaseName(db: string): string;
}

/**
 * A target on a database server (`scheme://user:pass@host:port`, a user that may create
 * databases): each Spider database is copied from its SQLite file into a fresh database named
 * `<prefix><db>`, dropped again on `unload` unless `keep`; gold SQL runs on the server itself.
 * `open` connects to the server and gives what the engine does its own way.
 */
export async function serverTarget<Connection>(
  serverUrl: string,
  datasetDir: string,
  options: ServerTargetOptions,
  open: (names: CopyNames) => Promise<ServerCopies<Connection>>,
): Promise<OracleTarget> {
  const prefix = options.prefix ?? 'quarry_oracle_';
  const urlOf = copyUrlOf(serverUrl, prefix);
  const server = await open({ urlOf, databaseName: (db) => `${prefix}${db}` });
  const { gold } = server;
  return {
    engine: server.engine,
    gold,
    async load(db) {
      await server.dropCopy(db);
      await server.createCopy(db);
      const connection = await server.connect(urlOf(db));
      try {
        const report = await server.copy(spiderDatabasePath(datasetDir, db), connection);
        return { url: urlOf(db), warnings: report.warnings };
      } finally {
        await server.disconnect(connection);
      }
    },
    async unload(db) {
      await gold.release(db);
      if (!options.keep) await server.dropCopy(db);
    },
    async close() {
      await gold.close();
      await server.close();
    },
  };
}

/** The dataset's own SQLite files, gold SQL run as the sqlite3 shell runs it. */
export async function createSqliteTarget(datasetDir: string): Promise<OracleTarget> {
  const gold = await startSqliteShellGold((db) => spiderDatabasePath(datasetDir, db));
  return {
    engine: 'sqlite',
    gold,
    load: async (db) => ({ url: `sqlite:${spiderDatabasePath(datasetDir, db)}`, warnings: [] }),
    unload: async () => undefined,
    close: () => gold.close(),
  };
}

/**
 * A MySQL or MariaDB server (`mysql://user:pass@host:port`) as `serverTarget` describes; copies
 * compare text byte by byte, as SQLite's BINARY does.
 */
export function createMysqlTarget(
  serverUrl: string,
  datasetDir: string,
  options: ServerTargetOptions = {},
): Promise<OracleTarget> {
  return serverTarget(serverUrl, datasetDir, options, async ({ urlOf, databaseName }) => {
    const admin = await mysql.createConnection({
      uri: serverUrl,
      charset: 'utf8mb4',
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    const [[row]] = (await admin.query('SELECT VERSION() AS version')) as unknown as [
      [{ version: string }],
    ];
    const version = row.version;
    const name = (db: string) => quoteMysqlIdentifier(databaseName(db));
    return {
      engine: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
      gold: createMysqlGold(urlOf, version),
      async dropCopy(db) {
        await admin.query(`DROP DATABASE IF EXISTS ${name(db)}`);
      },
      async createCopy(db) {
        // SQLite compares text byte by byte (BINARY): so does utf8mb4_bin.
        await admin.query(`CREATE DATABASE ${name(db)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      },
      connect: (url) =>
        mysql.createConnection({ uri: url, charset: 'utf8mb4', supportBigNumbers: true }),
      copy: loadSqliteIntoMysql,
      disconnect: (connection) => connection.end(),
      close: () => admin.end(),
    };
  });
}
