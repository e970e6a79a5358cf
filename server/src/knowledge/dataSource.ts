import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDataSourceUrl } from '@quarry/shared';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactUrl } from '../logger.js';
import { knowledgeEntities } from './entities/index.js';
import { knowledgeMigrations } from './migrations/index.js';

/** The file path of a `sqlite:<path>` URL (`sqlite:///abs` and `sqlite://rel` are accepted too). */
export function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length);
  if (rest.startsWith('///')) return rest.slice(2);
  if (rest.startsWith('//')) return rest.slice(2);
  return rest;
}

/** TypeORM options for an app database URL: `sqlite:<path>` or `mysql://user:pass@host:port/db`. */
export function dataSourceOptions(url: string, synchronize: boolean): DataSourceOptions {
  const common = {
    entities: knowledgeEntities,
    migrations: knowledgeMigrations,
    migrationsTableName: 'quarry_migrations',
    // Two processes may open the store at once; each migration runs in its own transaction.
    migrationsTransactionMode: 'each' as const,
    synchronize,
    logging: false,
  };
  if (url.startsWith('sqlite:')) {
    const path = sqlitePath(url);
    if (path === '') throw invalidUrl(url);
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: path,
      // WAL lets readers in other processes proceed while one process writes.
      enableWAL: true,
      timeout: 10_000,
      // With WAL, NORMAL stays consistent after a crash and skips the fsync on every commit,
      // which would otherwise stall the event loop (better-sqlite3 is synchronous) per write.
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  const reading = parseDataSourceUrl(url);
  if (reading.ok && reading.value.kind === 'mysql') {
    const target = reading.value;
    return {
      ...common,
      // TypeORM reads MariaDB's column metadata correctly only when told it is MariaDB.
      type: target.scheme === 'mariadb' ? 'mariadb' : 'mysql',
      host: target.host,
      port: target.port,
      username: target.user,
      password: target.password,
      database: target.database,
      charset: 'utf8mb4_unicode_ci',
      // Timestamps are stored in UTC whatever the server's or database's time zone.
      timezone: 'Z',
    };
  }
  throw invalidUrl(url);
}

function invalidUrl(url: string, cause?: unknown): QuarryError {
  return new QuarryError(
    'BAD_REQUEST',
    `The app database URL ${redactUrl(url)} is not usable: write mysql://user:pass@host:port/db or sqlite:<path>.`,
    { cause },
  );
}

/**
 * Opens the app database and brings its schema up to date. On MySQL a named lock serialises
 * migrations across processes; SQLite serialises writers itself, and a process that lost the
 * race simply finds nothing pending when it retries.
 */
export async function openAppDatabase(
  url: string,
  logger: Logger,
  synchronize: boolean,
): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(url, synchronize));
  try {
    await dataSource.initialize();
  } catch (cause) {
    throw new QuarryError(
      'INTERNAL',
      `Could not open the app database ${redactUrl(url)}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (synchronize) return dataSource;
  try {
    const applied = await runMigrationsOnce(dataSource);
    if (applied.length > 0) logger.info({ migrations: applied }, 'app database migrated');
  } catch (cause) {
    await dataSource.destroy();
    throw new QuarryError(
      'INTERNAL',
      `Could not migrate the app database ${redactUrl(url)}: ${(cause as Error).message}`,
      { cause },
    );
  }
  return dataSource;
}

async function runMigrationsOnce(dataSource: DataSource): Promise<string[]> {
  const type = dataSource.options.type;
  if (type !== 'mysql' && type !== 'mariadb') {
    try {
      return (await dataSource.runMigrations()).map((migration) => migration.name);
    } catch {
      // Another process created the same tables between our check and our DDL; what is
      // pending now is the truth.
      return (await dataSource.runMigrations()).map((migration) => migration.name);
    }
  }
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    const [row] = (await lockRunner.query(
      "SELECT GET_LOCK('quarry_app_migrations', 60) AS acquired",
    )) as Array<{ acquired: number | string | null }>;
    if (Number(row?.acquired) !== 1) {
      throw new Error('another process held the migration lock for 60 seconds');
    }
    try {
      return (await dataSource.runMigrations()).map((migration) => migration.name);
    } finally {
      await lockRunner.query("SELECT RELEASE_LOCK('quarry_app_migrations')");
    }
  } finally {
    await lockRunner.release();
  }
}
