// How many bytes a result takes as JSON, counted while its rows arrive so a query can be cut
// off at QUERY_RESULT_MAX_BYTES before the result is ever built whole. Plain JS: the SQLite
// child process (sqliteWorker.mjs) counts with it too, and no loader applies there.

// Characters JSON.stringify escapes: `"` and `\` take one byte more, control characters up to five.
// biome-ignore lint/suspicious/noControlCharactersInRegex: counting control characters is the point.
const ESCAPED = /["\\\u0000-\u001f]/g;

/** @param {bigint} value */
const isSafe = (value) =>
  value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);

/**
 * How many bytes `value` takes in a JSON answer once cells.ts has made it JSON-safe (UTF-8,
 * quotes and escapes included); errs high where the exact size depends on the content
 * (binary values, control characters).
 * @param {unknown} value
 * @returns {number}
 */
export function valueBytes(value) {
  if (value === null || value === undefined) return 4;
  switch (typeof value) {
    case 'string': {
      let size = Buffer.byteLength(value) + 2;
      for (const match of value.matchAll(ESCAPED)) size += match[0] < ' ' ? 5 : 1;
      return size;
    }
    case 'number':
      return Number.isFinite(value) ? String(value).length : String(value).length + 2;
    case 'bigint':
      // Beyond 2^53 a big integer becomes a string: two quotes more.
      return String(value).length + (isSafe(value) ? 0 : 2);
    case 'boolean':
      return String(value).length;
    default:
      break;
  }
  // Readable UTF-8 stays text, anything else becomes `0x…` hex: at most two bytes per byte.
  if (value instanceof Uint8Array) return value.byteLength * 2 + 4;
  if (value instanceof Date) return 26;
  try {
    const text = JSON.stringify(value, (_key, inner) =>
      typeof inner === 'bigint' ? inner.toString() : inner,
    );
    return text === undefined ? 4 : valueBytes(text);
  } catch {
    return 4;
  }
}

/**
 * Counts rows against a byte budget for a result of `columns` (as its rows will be keyed,
 * i.e. already made unique): `fits(row)` adds the row and says whether the rows so far, as a
 * JSON array of objects, still take at most `maxBytes`.
 * @param {readonly string[]} columns
 * @param {number} maxBytes
 */
export function createByteBudget(columns, maxBytes) {
  // Per row: its braces, and per column the quoted name, a colon and a comma (the last
  // comma stands for the one between rows); one byte more for the array's brackets.
  const perRow = columns.reduce((sum, name) => sum + valueBytes(name) + 2, 2);
  let used = 1;
  return {
    /** @param {readonly unknown[]} row */
    fits(row) {
      let size = perRow;
      for (const value of row) size += valueBytes(value);
      if (used + size > maxBytes) return false;
      used += size;
      return true;
    },
  };
}
