import type pg from 'pg';
import { quotePostgresIdentifier as q } from '../../datasources/postgresSession.js';
import type { EngineTypes } from './sqliteColumns.js';
import { copySqliteDatabase, type LoadReport } from './sqliteCopy.js';

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;
const MAX_BATCH_ROWS = 500;

/**
 * PostgreSQL's types for a SQLite column: any real → DOUBLE PRECISION; text → TEXT (numbers in
 * it as SQLite spells them), or DATE/TIMESTAMP as declared; blobs → BYTEA.
 */
const POSTGRES_TYPES: EngineTypes = {
  blob: 'BYTEA',
  double: 'DOUBLE PRECISION',
  decimal: (precision, scale) => `NUMERIC(${precision},${scale})`,
  integer: 'INTEGER',
  bigint: 'BIGINT',
  text: () => 'TEXT',
  dates: [
    {
      declared: /^(datetime|timestamp)$/i,
      type: () => 'TIMESTAMP',
      format: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    },
    { declared: /^date$/i, type: () => 'DATE', format: /^\d{4}-\d{2}-\d{2}$/ },
  ],
};

/**
 * Copies a SQLite database (a Spider database file) into the empty PostgreSQL database the
 * client is connected to, in its `public` schema, as `copySqliteDatabase` describes. Table and
 * column names are lower-cased, as PostgreSQL folds the unquoted names SQL written for SQLite
 * uses. Create the database with `LC_COLLATE 'C'` so text compares byte by byte, as SQLite's
 * BINARY does. Text must not hold NUL in PostgreSQL; Spider's data never does, so none is dropped.
 */
export function loadSqliteIntoPostgres(sqlitePath: string, client: pg.Client): Promise<LoadReport> {
  return copySqliteDatabase(sqlitePath, {
    types: POSTGRES_TYPES,
    quote: (name) => q(name.toLowerCase()),
    async execute(sql) {
      await client.query(sql);
    },
    batchRows: (columns) =>
      Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns))),
    async insertRows(insert, columns, rows) {
      const placeholders = rows
        .map(
          (_row, rowIndex) =>
            `(${Array.from({ length: columns }, (_column, index) => `$${rowIndex * columns + index + 1}`).join(', ')})`,
        )
        .join(', ');
      await client.query(`${insert}${placeholders}`, rows.flat());
    },
    // NOT VALID: not checked against the rows already there.
    uncheckedForeignKeys: { clause: 'NOT VALID' },
    analyze: () => 'ANALYZE',
  });
}
