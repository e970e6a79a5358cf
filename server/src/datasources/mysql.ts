import type { CellValue, ResultRow } from '@quarry/shared';
import { isQuarryError, QuarryError } from '../errors.js';
import { redactUrl } from '../logger.js';
import type { DataSource, TableInfo } from '../ports.js';
import { isSignificant, tokenizeSql, tokenText } from '../sql/lexer.js';
import { toCell, toResult, toRows } from './cells.js';
import type { DataSourceDeps } from './index.js';
import { createMysqlSession, type MysqlTarget } from './mysqlSession.js';
import { DRY_RUN_TIMEOUT_MS, INTERNAL_ROW_LIMIT, INTERNAL_TIMEOUT_MS } from './queryErrors.js';
import { checkDataSourceUrl, invalidDataSourceUrl } from './url.js';

/** Quotes an identifier for MySQL/MariaDB: backticks, embedded backticks doubled. */
export function quoteMysqlIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

const CATALOGUE_STATEMENTS = new Set(['show', 'describe', 'desc', 'explain']);

/** True for SHOW, DESCRIBE and EXPLAIN statements (the guard decides which may run). */
function describesSchema(sql: string): boolean {
  const first = tokenizeSql(sql, 'mysql').find(isSignificant);
  return first?.kind === 'word' && CATALOGUE_STATEMENTS.has(tokenText(sql, first).toLowerCase());
}

const DEFAULT_POOL_SIZE = 5;
const DEFAULT_POOL_IDLE_MS = 60_000;

/**
 * Reads `mysql://user:pass@host:port/db` (or `mariadb://…`) with the optional parameters
 * `pool_size` (most connections at once, default 5) and `pool_idle_ms` (an unused connection
 * closes after this long, default 60000); throws INVALID_DATASOURCE_URL (the URL itself) or
 * DATASOURCE_UNAVAILABLE (a parameter) naming what is wrong.
 */
export function parseMysqlUrl(url: string): MysqlTarget {
  const invalid = (why: string) =>
    new QuarryError(
      'DATASOURCE_UNAVAILABLE',
      `The data source URL ${redactUrl(url)} ${why}; use mysql://user:pass@host:port/db.`,
    );
  // Host, port, credentials (with `@`, `:`, `/`, `#`, `%`) and database: the one URL reader.
  const parsed = checkDataSourceUrl(url);
  if (parsed.kind !== 'mysql') throw invalidDataSourceUrl('is not a mysql:// URL');
  const wholeNumber = (name: string, fallback: number, min: number) => {
    const raw = parsed.params[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw invalid(`has ${name}=${raw}, which must be a whole number of at least ${min}`);
    }
    return value;
  };
  return {
    host: parsed.host,
    port: parsed.port,
    user: parsed.user,
    password: parsed.password,
    database: parsed.database,
    poolSize: wholeNumber('pool_size', DEFAULT_POOL_SIZE, 1),
    poolIdleMs: wholeNumber('pool_idle_ms', DEFAULT_POOL_IDLE_MS, 1000),
  };
}

/**
 * A MySQL or MariaDB database as a DataSource, from a `mysql://` URL. Sessions are read-only
 * at the database level and carry a server-side statement time limit (see MysqlSession).
 */
export function createMysqlDataSource(url: string, deps: DataSourceDeps): DataSource {
  const target = parseMysqlUrl(url);
  const logger = deps.logger.child({ datasource: redactUrl(url) });
  const session = createMysqlSession(target, logger);

  async function internalQuery(sql: string, values: unknown[]): Promise<ResultRow[]> {
    const raw = await session.run({
      sql,
      values,
      rowLimit: INTERNAL_ROW_LIMIT,
      timeoutMs: INTERNAL_TIMEOUT_MS,
      phase: 'execute',
    });
    return toRows(raw.columns, raw.rows);
  }

  async function describe(): Promise<TableInfo[]> {
    const schema = [target.database];
    const tables = await internalQuery(
      `SELECT TABLE_NAME AS name, TABLE_COMMENT AS comment FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
      schema,
    );
    const columns = await internalQuery(
      `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_TYPE AS type,
              IS_NULLABLE AS nullable, COLUMN_KEY AS column_key, COLUMN_COMMENT AS comment
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      schema,
    );
    const foreignKeys = await internalQuery(
      `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
              REFERENCED_TABLE_NAME AS referenced_table, REFERENCED_COLUMN_NAME AS referenced_column
       FROM information_schema.KEY_COLUMN_USAGE
       WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL
       ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
      schema,
    );
    const byName = new Map<string, TableInfo>();
    for (const row of tables) {
      const name = String(row.name);
      // Views carry the comment "VIEW"; it describes nothing.
      const comment = row.comment && row.comment !== 'VIEW' ? String(row.comment) : undefined;
      byName.set(name, { name, ...(comment ? { comment } : {}), columns: [], foreignKeys: [] });
    }
    for (const row of columns) {
      byName.get(String(row.table_name))?.columns.push({
        name: String(row.name),
        type: String(row.type),
        nullable: row.nullable === 'YES',
        primaryKey: row.column_key === 'PRI',
        ...(row.comment ? { comment: String(row.comment) } : {}),
      });
    }
    for (const row of foreignKeys) {
      byName.get(String(row.table_name))?.foreignKeys.push({
        column: String(row.column_name),
        referencedTable: String(row.referenced_table),
        referencedColumn: String(row.referenced_column),
      });
    }
    return [...byName.values()];
  }

  return {
    dialect: 'mysql',
    schema: target.database,

    async execute(sql, options) {
      const raw = await session.run({
        sql: withoutTrailingSemicolons(sql),
        ...options,
        phase: 'execute',
      });
      return { ...toResult(raw.columns, raw.rows), capped: raw.capped };
    },

    async dryRun(sql, signal) {
      // SHOW, DESCRIBE and EXPLAIN only read the catalogue, and EXPLAIN cannot take them:
      // their execution is their dry run.
      if (describesSchema(sql)) return;
      // EXPLAIN resolves every table and column without running the statement.
      await session.run({
        sql: `EXPLAIN ${withoutTrailingSemicolons(sql)}`,
        rowLimit: INTERNAL_ROW_LIMIT,
        timeoutMs: deps.queryTimeoutMs ?? DRY_RUN_TIMEOUT_MS,
        signal,
        phase: 'dryRun',
      });
    },

    describe,

    async sampleValues(table, column, limit): Promise<CellValue[]> {
      const quoted = quoteMysqlIdentifier(column);
      const count = Math.max(0, Math.floor(limit));
      try {
        const raw = await session.run({
          sql: `SELECT DISTINCT ${quoted} FROM ${quoteMysqlIdentifier(table)} WHERE ${quoted} IS NOT NULL LIMIT ${count}`,
          rowLimit: count,
          timeoutMs: INTERNAL_TIMEOUT_MS,
          phase: 'execute',
        });
        return raw.rows.map((row) => toCell(row[0]));
      } catch (error) {
        // Hints are optional: an unknown table or column just means no samples.
        if (!isQuarryError(error, 'SQL_EXECUTION_FAILED')) throw error;
        logger.debug({ err: error, table, column }, 'no sample values');
        return [];
      }
    },

    close: () => session.close(),
  };
}

/** MySQL without multi-statements rejects `SELECT 1;`, and models like to end with one. */
function withoutTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}
