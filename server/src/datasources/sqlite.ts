import type { ResultRow } from '@quarry/shared';
import { isQuarryError } from '../errors.js';
import type { DataSource, EngineVerdict, ForeignKeyInfo, TableInfo } from '../ports.js';
import { doubleQuotedAsString, unresolvedDoubleQuoted } from '../sql/legacyStrings.js';
import { toResult, toRows } from './cells.js';
import type { DataSourceDeps } from './index.js';
import { DRY_RUN_TIMEOUT_MS, INTERNAL_ROW_LIMIT, INTERNAL_TIMEOUT_MS } from './queryErrors.js';
import { sampleColumnValues } from './session.js';
import { createSqliteRunner } from './sqliteProcess.js';

/** More unresolved double-quoted tokens than this in one statement is not Spider-style SQL. */
const MAX_LEGACY_STRINGS = 64;

/**
 * Runs `attempt` on the SQL; each time SQLite reports a double-quoted token that names no
 * column, retries with that token as a string literal — SQLite's legacy reading (SQLITE_DQS),
 * which its shell and most bindings keep on but better-sqlite3 compiles out. Models trained on
 * MySQL habits and Spider write `WHERE name = "France"` every day. Returns the SQL that ran.
 */
async function withLegacyStrings<T>(
  sql: string,
  attempt: (sql: string) => Promise<T>,
): Promise<{ sql: string; value: T }> {
  let current = sql;
  for (let round = 0; ; round += 1) {
    try {
      return { sql: current, value: await attempt(current) };
    } catch (error) {
      const name =
        round < MAX_LEGACY_STRINGS && isQuarryError(error)
          ? unresolvedDoubleQuoted(error.message)
          : null;
      const next = name === null ? null : doubleQuotedAsString(current, name);
      if (next === null) throw error;
      current = next;
    }
  }
}

/** Quotes an identifier for SQLite: double quotes, embedded quotes doubled. */
export function quoteSqliteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const USER_OBJECTS = `m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

/**
 * A SQLite file as a DataSource. The file is opened read-only with `query_only` on, in a child
 * process that is killed when a query runs out of time or is aborted (see SqliteRunner).
 */
export function createSqliteDataSource(path: string, deps: DataSourceDeps): DataSource {
  const logger = deps.logger.child({ datasource: `sqlite:${path}` });
  const runner = createSqliteRunner(path, logger);

  async function internalQuery(sql: string): Promise<ResultRow[]> {
    const raw = await runner.run({
      mode: 'query',
      sql,
      rowLimit: INTERNAL_ROW_LIMIT,
      timeoutMs: INTERNAL_TIMEOUT_MS,
      phase: 'execute',
    });
    return toRows(raw.columns, raw.rows);
  }

  async function describe(): Promise<TableInfo[]> {
    const [tables, columns, foreignKeys] = await Promise.all([
      internalQuery(
        `SELECT m.name AS name FROM sqlite_master m WHERE ${USER_OBJECTS} ORDER BY m.name`,
      ),
      internalQuery(
        `SELECT m.name AS table_name, p.name AS name, p.type AS type, p."notnull" AS not_null, p.pk AS pk
         FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE ${USER_OBJECTS} ORDER BY m.name, p.cid`,
      ),
      internalQuery(
        `SELECT m.name AS table_name, f."from" AS column_name, f."table" AS referenced_table, f."to" AS referenced_column
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
         WHERE ${USER_OBJECTS} ORDER BY m.name, f.id, f.seq`,
      ),
    ]);
    const byName = new Map<string, TableInfo>();
    for (const row of tables) {
      const name = String(row.name);
      byName.set(name, { name, columns: [], foreignKeys: [] });
    }
    for (const row of columns) {
      byName.get(String(row.table_name))?.columns.push({
        name: String(row.name),
        type: String(row.type ?? ''),
        nullable: row.not_null === 0 && row.pk === 0,
        primaryKey: Number(row.pk) > 0,
      });
    }
    for (const row of foreignKeys) {
      const referencedTable = String(row.referenced_table);
      // `REFERENCES t` without a column means t's primary key.
      const referencedColumn =
        row.referenced_column === null
          ? byName.get(referencedTable)?.columns.find((column) => column.primaryKey)?.name
          : String(row.referenced_column);
      const foreignKey: ForeignKeyInfo = {
        column: String(row.column_name),
        referencedTable,
        referencedColumn: referencedColumn ?? '',
      };
      byName.get(String(row.table_name))?.foreignKeys.push(foreignKey);
    }
    return [...byName.values()];
  }

  /** Compiles without running: SQLite's own read-only verdict and the SQL as it will run. */
  async function inspect(sql: string, signal?: AbortSignal): Promise<EngineVerdict> {
    const compiled = await withLegacyStrings(sql, (text) =>
      runner.run({
        mode: 'prepare',
        sql: text,
        rowLimit: 0,
        timeoutMs: deps.queryTimeoutMs ?? DRY_RUN_TIMEOUT_MS,
        signal,
        phase: 'dryRun',
      }),
    );
    return { sql: compiled.sql, readOnly: compiled.value.readOnly };
  }

  return {
    dialect: 'sqlite',

    async execute(sql, options) {
      const { value: raw } = await withLegacyStrings(sql, (text) =>
        runner.run({
          mode: 'query',
          sql: text,
          rowLimit: options.rowLimit,
          maxBytes: options.maxBytes,
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          phase: 'execute',
        }),
      );
      return { ...toResult(raw.columns, raw.rows), capped: raw.capped };
    },

    async dryRun(sql, signal) {
      await inspect(sql, signal);
    },

    inspect,

    describe,

    sampleValues: (table, column, limit) =>
      sampleColumnValues(
        (request) => runner.run({ ...request, mode: 'query' }),
        quoteSqliteIdentifier,
        {
          table,
          column,
          limit,
          logger,
        },
      ),

    close: () => runner.close(),
  };
}
