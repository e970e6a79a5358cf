import type { CellValue, ResultRow } from '@quarry/shared';

const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

function csvCell(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  // A spreadsheet would run this as a formula (CSV injection): make it text.
  if (typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The rows as CSV the way the Slack bot writes it: a header, RFC 4180 quoting, a byte order
 * mark so Excel reads Chinese text, formula-looking text made inert.
 */
export function resultCsv(columns: readonly string[], rows: readonly ResultRow[]): string {
  const lines = [columns.map(csvCell), ...rows.map((row) => columns.map((c) => csvCell(row[c])))];
  return `\uFEFF${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}

/** `quarry-<ask id, 8 chars>.csv`, or `quarry-result.csv` before the ask has an id. */
export function resultFileName(askId: string | null): string {
  return `quarry-${askId ? askId.slice(0, 8) : 'result'}.csv`;
}
