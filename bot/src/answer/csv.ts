import type { ResultRow } from '@quarry/shared';
import { stringify } from 'csv-stringify/sync';

const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * The result as a CSV file: a header row, RFC 4180 quoting, a UTF-8 byte order mark so Excel
 * reads Chinese text correctly, and text cells that a spreadsheet would run as a formula
 * prefixed with `'` (CSV injection). Numbers, also when the database sends decimals as strings,
 * stay as they are.
 */
export function buildCsv(columns: string[], rows: ResultRow[]): string {
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? null)),
    {
      bom: true,
      header: true,
      columns: columns.map((column, index) => ({ key: String(index), header: column })),
      cast: {
        boolean: (value) => (value ? 'true' : 'false'),
        string: (value) =>
          FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value,
      },
    },
  );
}

/** A file name that says what it holds and sorts by time. */
export function csvFileName(askId: string | null, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `quarry-${stamp}${askId ? `-${askId.slice(0, 8)}` : ''}.csv`;
}
