import { redactUrl } from '../logger.js';
import type { DataSource, TableInfo } from '../ports.js';
import { isSignificant, tokenizeSql, tokenText } from '../sql/lexer.js';
import type { DataSourceDeps } from './index.js';
import { createMysqlSession, type MysqlTarget } from './mysqlSession.js';
import { catalogueTables, sessionDataSource } from './session.js';
import { readServerUrl } from './url.js';

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

/**
 * Reads `mysql://user:pass@host:port/db` (or `mariadb://…`) with the optional parameters
 * `pool_size` and `pool_idle_ms` (see readServerUrl); throws INVALID_DATASOURCE_URL (the URL
 * itself) or DATASOURCE_UNAVAILABLE (a parameter) naming what is wrong.
 */
export function parseMysqlUrl(url: string): MysqlTarget {
  return readServerUrl(url, 'mysql', 'mysql://user:pass@host:port/db').server;
}

/**
 * A MySQL or MariaDB database as a DataSource, from a `mysql://` URL. Sessions are read-only
 * at the database level and carry a server-side statement time limit (see MysqlSession).
 */
export function createMysqlDataSource(url: string, deps: DataSourceDeps): DataSource {
  const target = parseMysqlUrl(url);
  const logger = deps.logger.child({ datasource: redactUrl(url) });
  const session = createMysqlSession(target, logger);

  const { internalQuery, explain, ...common } = sessionDataSource(session, {
    quote: quoteMysqlIdentifier,
    logger,
    dryRunTimeoutMs: deps.queryTimeoutMs,
  });

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
    return catalogueTables(
      { tables, columns, foreignKeys },
      {
        // Views carry the comment "VIEW"; it describes nothing.
        comment: (row) => (row.comment && row.comment !== 'VIEW' ? String(row.comment) : undefined),
        column: (row) => ({
          name: String(row.name),
          type: String(row.type),
          nullable: row.nullable === 'YES',
          primaryKey: row.column_key === 'PRI',
          ...(row.comment ? { comment: String(row.comment) } : {}),
        }),
      },
    );
  }

  return {
    dialect: 'mysql',
    schema: target.database,

    ...common,

    async dryRun(sql, signal) {
      // SHOW, DESCRIBE and EXPLAIN only read the catalogue, and EXPLAIN cannot take them:
      // their execution is their dry run.
      if (describesSchema(sql)) return;
      // EXPLAIN resolves every table and column without running the statement.
      await explain('EXPLAIN', sql, signal);
    },

    describe,
  };
}
