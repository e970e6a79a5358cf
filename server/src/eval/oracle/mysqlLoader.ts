import Database from 'better-sqlite3';
import type mysql from 'mysql2/promise';
import { quoteMysqlIdentifier as q } from '../../datasources/mysql.js';
import {
  type ColumnProfile,
  exactDecimal,
  INT32,
  isExactDateText,
  sourceTables,
  type TargetType,
} from './sqliteColumns.js';

/** What a load did not carry over (a key the data breaks, say), for the report. */
export interface LoadReport {
  tables: number;
  rows: number;
  warnings: string[];
}

const DATE_FORMATS: Array<[RegExp, RegExp]> = [
  [/^datetime|^timestamp/i, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/],
  [/^date$/i, /^\d{4}-\d{2}-\d{2}$/],
  [/^time$/i, /^\d{2}:\d{2}:\d{2}$/],
];

/** utf8mb4 keys may hold 3072 bytes: 768 characters. */
const MAX_KEYABLE_CHARS = 768;
const BATCH = 500;

/**
 * The MySQL type that holds every value SQLite stored in a column unchanged. SQLite types
 * values, not columns (an INT column may hold '' or 'n/a'), so the values decide and the
 * declared type only refines: integers only → INT/BIGINT; any real → DOUBLE (SQLite's own
 * 8-byte float; DECIMAL(p,s) when declared so and every value fits it exactly); any text →
 * VARCHAR long enough, or DATE/DATETIME/TIME when declared so and every value is already in
 * that type's exact format; blobs → LONGBLOB. Text columns compare as SQLite's BINARY does.
 */
function columnType(declared: string, column: ColumnProfile): TargetType {
  const declaredLength = Number(/\((\d+)\)/.exec(declared)?.[1] ?? 0);
  const text = () => {
    const length = Math.max(declaredLength, column.maxLength, 1);
    return length <= MAX_KEYABLE_CHARS ? `VARCHAR(${length})` : 'LONGTEXT';
  };
  if (column.has('blob')) return { type: 'LONGBLOB', asText: false };
  if (column.has('text')) {
    if (!column.has('integer') && !column.has('real')) {
      const format = DATE_FORMATS.find(([name]) => name.test(declared.trim()))?.[1];
      if (
        format &&
        column.values('text').every((value) => isExactDateText(String(value), format))
      ) {
        return { type: declared.trim().toUpperCase().replace(/\(.*$/, ''), asText: true };
      }
    }
    return { type: text(), asText: true };
  }
  if (column.has('real')) {
    const decimal = exactDecimal(declared, column.values('real').map(Number));
    if (decimal) return { type: `DECIMAL(${decimal.precision},${decimal.scale})`, asText: false };
    return { type: 'DOUBLE', asText: false };
  }
  if (column.has('integer')) {
    const small = column.minInt >= -INT32 && column.maxInt < INT32 && /int/i.test(declared);
    return { type: small ? 'INT' : 'BIGINT', asText: false };
  }
  // Only NULLs: SQLite's affinity rules on the declared type.
  if (/int/i.test(declared)) return { type: 'BIGINT', asText: false };
  if (/real|floa|doub/i.test(declared)) return { type: 'DOUBLE', asText: false };
  if (/blob/i.test(declared)) return { type: 'LONGBLOB', asText: false };
  return { type: text(), asText: true };
}

/**
 * Copies a SQLite database (a Spider database file) into the empty MySQL/MariaDB database the
 * connection uses: every table with its columns in order, every row with the values SQLite
 * stored, primary keys and foreign keys where the data satisfies them (a key the data breaks
 * is left out and named in `warnings`; Spider's files hold a few).
 */
export async function loadSqliteIntoMysql(
  sqlitePath: string,
  connection: mysql.Connection,
): Promise<LoadReport> {
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  source.defaultSafeIntegers(true);
  const warnings: string[] = [];
  let rowCount = 0;
  try {
    const tables = sourceTables(source, columnType);
    const primaryKeys: string[] = [];
    const foreignKeys: string[] = [];
    for (const {
      name: table,
      columns,
      types,
      rows,
      primaryKey,
      foreignKeys: references,
    } of tables) {
      await connection.query(
        `CREATE TABLE ${q(table)} (${columns
          .map((column, index) => `${q(column.name)} ${types[index]?.type} NULL`)
          .join(', ')})`,
      );
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await connection.query(
          `INSERT INTO ${q(table)} (${columns.map((column) => q(column.name)).join(', ')}) VALUES ?`,
          [batch],
        );
        rowCount += batch.length;
        batch = [];
      };
      for (const row of rows()) {
        batch.push(row);
        if (batch.length === BATCH) await flush();
      }
      await flush();
      if (primaryKey.length > 0) {
        primaryKeys.push(
          `ALTER TABLE ${q(table)} ADD PRIMARY KEY (${primaryKey.map(q).join(', ')})`,
        );
      }
      for (const reference of references) {
        foreignKeys.push(
          `ALTER TABLE ${q(table)} ADD FOREIGN KEY (${reference.columns.map(q).join(', ')}) REFERENCES ${q(reference.table)} (${reference.targetColumns.map(q).join(', ')})`,
        );
      }
    }
    // Keys after the data, so a key the data breaks costs the key, not the rows; foreign keys
    // unchecked, as SQLite (foreign_keys off by default) never checked them either.
    await connection.query('SET SESSION foreign_key_checks = 0');
    // Primary keys first: a foreign key needs its target's key in place.
    for (const statement of [...primaryKeys, ...foreignKeys]) {
      try {
        await connection.query(statement);
      } catch (error) {
        warnings.push(`${statement}: ${(error as Error).message}`);
      }
    }
    await connection.query('SET SESSION foreign_key_checks = 1');
    // Statistics now, not whenever InnoDB gets to them: a plan (and so the order of tied rows
    // under ORDER BY … LIMIT) must not change between the gold run and Quarry's.
    if (tables.length > 0) {
      await connection.query(`ANALYZE TABLE ${tables.map((table) => q(table.name)).join(', ')}`);
    }
    return { tables: tables.length, rows: rowCount, warnings };
  } finally {
    source.close();
  }
}
