import type mysql from 'mysql2/promise';
import { quoteMysqlIdentifier as q } from '../../datasources/mysql.js';
import type { EngineTypes } from './sqliteColumns.js';
import { copySqliteDatabase, type LoadReport } from './sqliteCopy.js';

/** utf8mb4 keys may hold 3072 bytes: 768 characters. */
const MAX_KEYABLE_CHARS = 768;
const BATCH = 500;

/** A declared date type as MySQL names it (DATETIME(6) as DATETIME). */
const declaredName = (declared: string) => declared.trim().toUpperCase().replace(/\(.*$/, '');

/**
 * MySQL's types for a SQLite column: any real → DOUBLE (SQLite's own 8-byte float); text →
 * VARCHAR long enough (LONGTEXT past what a key may hold), or DATE/DATETIME/TIMESTAMP/TIME as
 * declared; blobs → LONGBLOB. Text columns compare as SQLite's BINARY does.
 */
const MYSQL_TYPES: EngineTypes = {
  blob: 'LONGBLOB',
  double: 'DOUBLE',
  decimal: (precision, scale) => `DECIMAL(${precision},${scale})`,
  integer: 'INT',
  bigint: 'BIGINT',
  text(declared, column) {
    const declaredLength = Number(/\((\d+)\)/.exec(declared)?.[1] ?? 0);
    const length = Math.max(declaredLength, column.maxLength, 1);
    return length <= MAX_KEYABLE_CHARS ? `VARCHAR(${length})` : 'LONGTEXT';
  },
  dates: [
    {
      declared: /^datetime|^timestamp/i,
      type: declaredName,
      format: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    },
    { declared: /^date$/i, type: declaredName, format: /^\d{4}-\d{2}-\d{2}$/ },
    { declared: /^time$/i, type: declaredName, format: /^\d{2}:\d{2}:\d{2}$/ },
  ],
};

/**
 * Copies a SQLite database (a Spider database file) into the empty MySQL/MariaDB database the
 * connection uses, as `copySqliteDatabase` describes.
 */
export function loadSqliteIntoMysql(
  sqlitePath: string,
  connection: mysql.Connection,
): Promise<LoadReport> {
  return copySqliteDatabase(sqlitePath, {
    types: MYSQL_TYPES,
    quote: q,
    async execute(sql) {
      await connection.query(sql);
    },
    batchRows: () => BATCH,
    async insertRows(insert, _columns, rows) {
      await connection.query(`${insert}?`, [rows]);
    },
    // InnoDB checks the rows when a foreign key is added unless told not to.
    uncheckedForeignKeys: {
      before: 'SET SESSION foreign_key_checks = 0',
      after: 'SET SESSION foreign_key_checks = 1',
    },
    analyze: (tables) => (tables.length > 0 ? `ANALYZE TABLE ${tables.join(', ')}` : undefined),
  });
}
