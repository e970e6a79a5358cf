import Database from 'better-sqlite3';
import type pg from 'pg';
import { quotePostgresIdentifier as q } from '../../datasources/postgresSession.js';
import {
  type ColumnProfile,
  exactDecimal,
  INT32,
  isExactDateText,
  sourceTables,
  type TargetType,
} from './sqliteColumns.js';

/** What a load did not carry over (a key the data breaks, say), for the report. */
export interface PostgresLoadReport {
  tables: number;
  rows: number;
  warnings: string[];
}

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
 * client is connected to, in its `public` schema: every table with its columns in order, every
 * row with the values SQLite stored, primary and foreign keys where the data satisfies them (a
 * key the data breaks is left out and named in `warnings`). Table and column names are
 * lower-cased, as PostgreSQL folds the unquoted names SQL written for SQLite uses. Create the
 * database with `LC_COLLATE 'C'` so text compares byte by byte, as SQLite's BINARY does.
 */
export async function loadSqliteIntoPostgres(
  sqlitePath: string,
  client: pg.Client,
): Promise<PostgresLoadReport> {
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  source.defaultSafeIntegers(true);
  const warnings: string[] = [];
  const lower = (name: string) => q(name.toLowerCase());
  let rowCount = 0;
  try {
    const tables = sourceTables(source, columnType);
    const keys: string[] = [];
    const foreignKeys: string[] = [];
    for (const {
      name: table,
      columns,
      types,
      rows,
      primaryKey,
      foreignKeys: references,
    } of tables) {
      await client.query(
        `CREATE TABLE ${lower(table)} (${columns
          .map((column, index) => `${lower(column.name)} ${types[index]?.type} NULL`)
          .join(', ')})`,
      );
      const batchRows = Math.max(
        1,
        Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / columns.length)),
      );
      const insert = `INSERT INTO ${lower(table)} (${columns.map((column) => lower(column.name)).join(', ')}) VALUES `;
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const placeholders = batch
          .map(
            (_row, rowIndex) =>
              `(${columns.map((_column, index) => `$${rowIndex * columns.length + index + 1}`).join(', ')})`,
          )
          .join(', ');
        await client.query(`${insert}${placeholders}`, batch.flat());
        rowCount += batch.length;
        batch = [];
      };
      // Text must not hold NUL in PostgreSQL; Spider's data never does, so none is dropped.
      for (const row of rows()) {
        batch.push(row);
        if (batch.length === batchRows) await flush();
      }
      await flush();
      if (primaryKey.length > 0) {
        keys.push(
          `ALTER TABLE ${lower(table)} ADD PRIMARY KEY (${primaryKey.map(lower).join(', ')})`,
        );
      }
      for (const reference of references) {
        foreignKeys.push(
          `ALTER TABLE ${lower(table)} ADD FOREIGN KEY (${reference.columns.map(lower).join(', ')}) REFERENCES ${lower(reference.table)} (${reference.targetColumns.map(lower).join(', ')}) NOT VALID`,
        );
      }
    }
    // Keys after the data, so a key the data breaks costs the key, not the rows; foreign keys
    // NOT VALID (unchecked against existing rows), as SQLite never checked them either.
    for (const statement of [...keys, ...foreignKeys]) {
      try {
        await client.query(statement);
      } catch (error) {
        warnings.push(`${statement}: ${(error as Error).message}`);
      }
    }
    // Statistics now, so the plan (and the order of tied rows) is the same for gold and Quarry.
    await client.query('ANALYZE');
    return { tables: tables.length, rows: rowCount, warnings };
  } finally {
    source.close();
  }
}
