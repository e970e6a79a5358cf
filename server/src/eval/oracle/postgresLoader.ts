import type pg from 'pg';
import { quotePostgresIdentifier as q } from '../../datasources/postgresSession.js';
import {
  type ColumnProfile,
  exactDecimal,
  INT32,
  isExactDateText,
  type TargetType,
} from './sqliteColumns.js';
import { copySqliteDatabase, type LoadReport } from './sqliteCopy.js';

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;
const MAX_BATCH_ROWS = 500;

/** Declared date types whose stored text PostgreSQL gives back unchanged, and that text's shape. */
const DATE_TYPES: Array<[RegExp, string, RegExp]> = [
  [/^(datetime|timestamp)$/i, 'TIMESTAMP', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/],
  [/^date$/i, 'DATE', /^\d{4}-\d{2}-\d{2}$/],
];

/**
 * The PostgreSQL type that holds every value SQLite stored in a column unchanged. SQLite types
 * values, not columns, so the values decide and the declared type only refines: integers only →
 * INTEGER/BIGINT; any real → DOUBLE PRECISION (NUMERIC(p,s) when declared so and every value
 * fits it exactly); any text → TEXT (numbers in it as SQLite spells them), or DATE/TIMESTAMP
 * when declared so and every value is already in that type's exact spelling; blobs → BYTEA.
 */
function columnType(declared: string, column: ColumnProfile): TargetType {
  if (column.has('blob')) return { type: 'BYTEA', asText: false };
  if (column.has('text')) {
    const date = DATE_TYPES.find(([name]) => name.test(declared.trim()));
    if (date && !column.has('integer') && !column.has('real')) {
      if (column.values('text').every((text) => isExactDateText(String(text), date[2]))) {
        return { type: date[1], asText: true };
      }
    }
    return { type: 'TEXT', asText: true };
  }
  if (column.has('real')) {
    const decimal = exactDecimal(declared, column.values('real').map(Number));
    if (decimal) return { type: `NUMERIC(${decimal.precision},${decimal.scale})`, asText: false };
    return { type: 'DOUBLE PRECISION', asText: false };
  }
  if (column.has('integer')) {
    const small = column.minInt >= -INT32 && column.maxInt < INT32 && /int/i.test(declared);
    return { type: small ? 'INTEGER' : 'BIGINT', asText: false };
  }
  // Only NULLs: SQLite's affinity rules on the declared type.
  if (/int/i.test(declared)) return { type: 'BIGINT', asText: false };
  if (/real|floa|doub/i.test(declared)) return { type: 'DOUBLE PRECISION', asText: false };
  if (/blob/i.test(declared)) return { type: 'BYTEA', asText: false };
  return { type: 'TEXT', asText: true };
}

/**
 * Copies a SQLite database (a Spider database file) into the empty PostgreSQL database the
 * client is connected to, in its `public` schema, as `copySqliteDatabase` describes. Table and
 * column names are lower-cased, as PostgreSQL folds the unquoted names SQL written for SQLite
 * uses. Create the database with `LC_COLLATE 'C'` so text compares byte by byte, as SQLite's
 * BINARY does. Text must not hold NUL in PostgreSQL; Spider's data never does, so none is dropped.
 */
export function loadSqliteIntoPostgres(sqlitePath: string, client: pg.Client): Promise<LoadReport> {
  return copySqliteDatabase(sqlitePath, {
    columnType,
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
