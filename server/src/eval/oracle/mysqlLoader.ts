import type mysql from 'mysql2/promise';
import { quoteMysqlIdentifier as q } from '../../datasources/mysql.js';
import {
  type ColumnProfile,
  exactDecimal,
  INT32,
  isExactDateText,
  type TargetType,
} from './sqliteColumns.js';
import { copySqliteDatabase, type LoadReport } from './sqliteCopy.js';

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
 * connection uses, as `copySqliteDatabase` describes.
 */
export function loadSqliteIntoMysql(
  sqlitePath: string,
  connection: mysql.Connection,
): Promise<LoadReport> {
  return copySqliteDatabase(sqlitePath, {
    columnType,
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
