import type { CellValue } from '@quarry/shared';
import pg from 'pg';
import { toCell } from '../../datasources/cells.js';
import {
  asText,
  postgresTypeParsers,
  quotePostgresIdentifier,
} from '../../datasources/postgresSession.js';
import { type GoldEngine, serverGold } from './gold.js';
import { loadSqliteIntoPostgres } from './postgresLoader.js';
import { type OracleTarget, type ServerTargetOptions, serverTarget } from './targets.js';

/** int8 and numeric, like dates, times and JSON, as the text the server sent: exact. */
const GOLD_TYPES = postgresTypeParsers(pg.types, { int8: asText, numeric: asText });

/**
 * The PostgreSQL gold side: the gold SQL on a plain pg connection as the loading user, with the
 * server's own settings (none of Quarry's read-only transaction, time limit or search path),
 * exact numbers and dates in the text the server sent. `urlOf` gives a database's URL.
 */
export function createPostgresGold(urlOf: (db: string) => string, version: string): GoldEngine {
  return serverGold({
    description: `PostgreSQL ${version} itself (pg, the server's own settings)`,
    async open(db) {
      const client = new pg.Client({ connectionString: urlOf(db), types: GOLD_TYPES });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    async query(client, sql) {
      const result = await client.query({ text: sql, rowMode: 'array' });
      if (!Array.isArray(result.fields) || result.command !== 'SELECT') {
        throw new Error('the gold SQL is not a query');
      }
      return {
        columns: result.fields.map((field) => field.name),
        rows: (result.rows as unknown[][]).map((row) =>
          row.map((value): CellValue => toCell(value)),
        ),
      };
    },
  });
}

/**
 * A PostgreSQL server (`postgres://user:pass@host:port`) as `serverTarget` describes; copies
 * are created with C collation: text compares byte by byte, as SQLite's BINARY does.
 */
export function createPostgresTarget(
  serverUrl: string,
  datasetDir: string,
  options: ServerTargetOptions = {},
): Promise<OracleTarget> {
  return serverTarget(serverUrl, datasetDir, options, async ({ urlOf, databaseName }) => {
    const adminUrl = new URL(serverUrl);
    if (adminUrl.pathname.length <= 1) adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.href });
    admin.on('error', () => undefined);
    await admin.connect();
    const version = String(
      (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
        ?.server_version ?? '',
    );
    const name = (db: string) => quotePostgresIdentifier(databaseName(db));
    return {
      engine: 'postgresql',
      gold: createPostgresGold(urlOf, version),
      async dropCopy(db) {
        await admin.query(`DROP DATABASE IF EXISTS ${name(db)} WITH (FORCE)`);
      },
      async createCopy(db) {
        await admin.query(
          `CREATE DATABASE ${name(db)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
        );
      },
      async connect(url) {
        const loader = new pg.Client({ connectionString: url });
        loader.on('error', () => undefined);
        await loader.connect();
        return loader;
      },
      copy: loadSqliteIntoPostgres,
      disconnect: (connection) => connection.end(),
      close: () => admin.end(),
    };
  });
}
