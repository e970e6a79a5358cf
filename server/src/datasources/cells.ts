import type { CellValue, ResultRow } from '@quarry/shared';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab/newline/carriage return mean "binary", not text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point.
const BINARY_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/**
 * Turns whatever a driver returns into a JSON-safe cell: big integers become numbers when
 * that loses nothing and strings otherwise, bytes become text when they are readable UTF-8
 * and `0x…` hex when not, dates become ISO strings, structured values (MySQL JSON) become JSON.
 */
export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity; a string keeps what the database said.
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    default:
      break;
  }
  if (value instanceof Uint8Array) return bytesToCell(value);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? inner.toString() : inner,
  );
}

function bytesToCell(bytes: Uint8Array): string {
  try {
    const text = strictUtf8.decode(bytes);
    if (!BINARY_CHARS.test(text)) return text;
  } catch {
    // Not UTF-8: fall through to hex.
  }
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/**
 * Result column names, each unique: rows are records, so `SELECT e.id, d.id` would otherwise
 * lose one of the two. A repeated name gets `_2`, `_3`… (skipping names the query already
 * uses), in SELECT order.
 */
export function uniqueColumnNames(columns: readonly string[]): string[] {
  const taken = new Set(columns);
  const seen = new Set<string>();
  return columns.map((column) => {
    if (!seen.has(column)) {
      seen.add(column);
      return column;
    }
    let n = 2;
    while (taken.has(`${column}_${n}`)) n += 1;
    const renamed = `${column}_${n}`;
    taken.add(renamed);
    seen.add(renamed);
    return renamed;
  });
}

/** A query's columns (made unique) and its rows as records keyed by them. */
export function toResult(columns: readonly string[], values: readonly (readonly unknown[])[]) {
  const names = uniqueColumnNames(columns);
  return { columns: names, rows: toRows(names, values) };
}

/** Builds result rows from positional values; `columns` must be unique (see toResult). */
export function toRows(columns: readonly string[], values: readonly (readonly unknown[])[]) {
  return values.map((row) => {
    const record: ResultRow = {};
    columns.forEach((column, index) => {
      record[column] = toCell(row[index]);
    });
    return record;
  });
}
