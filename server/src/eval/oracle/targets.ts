import mysql from 'mysql2/promise';
import { quoteMysqlIdentifier } from '../../datasources/mysql.js';
import { spiderDatabasePath } from '../spider.js';
import { createMysqlGold, type GoldEngine, startSqliteShellGold } from './gold.js';
import { loadSqliteIntoMysql } from './mysqlLoader.js';

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

/** The URL of the server database that holds the copy of Spider database `db`: `<prefix><db>`. */
export function copyUrlOf(serverUrl: string, prefix: string): (db: string) => string {
  return (db) => {
    const url = new URL(serverUrl);
    url.pathname = `/${encodeURIComponent(`${prefix}${db}`)}`;
    return url.href;
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
 * A MySQL or MariaDB server (`mysql://user:pass@host:port`, a user that may create databases):
 * each Spider database is copied from its SQLite file into a fresh database named
 * `<prefix><db>`, dropped again on `unload` unless `keep`; gold SQL runs on the server itself.
 */
export async function createMysqlTarget(
  serverUrl: string,
  datasetDir: string,
  options: { prefix?: string; keep?: boolean } = {},
): Promise<OracleTarget> {
  const prefix = options.prefix ?? 'quarry_oracle_';
  const urlOf = copyUrlOf(serverUrl, prefix);
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
  const gold = createMysqlGold(urlOf, version);
  const name = (db: string) => quoteMysqlIdentifier(`${prefix}${db}`);
  return {
    engine: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    gold,
    async load(db) {
      await admin.query(`DROP DATABASE IF EXISTS ${name(db)}`);
      // SQLite compares text byte by byte (BINARY): so does utf8mb4_bin.
      await admin.query(`CREATE DATABASE ${name(db)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      const loader = await mysql.createConnection({
        uri: urlOf(db),
        charset: 'utf8mb4',
        supportBigNumbers: true,
      });
      try {
        const report = await loadSqliteIntoMysql(spiderDatabasePath(datasetDir, db), loader);
        return { url: urlOf(db), warnings: report.warnings };
      } finally {
        await loader.end();
      }
    },
    async unload(db) {
      await gold.release(db);
      if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${name(db)}`);
    },
    async close() {
      await gold.close();
      await admin.end();
    },
  };
}
