import type { ResultRow } from '@quarry/shared';
import { cellText, cut, cutToWidth, displayWidth, escapeMrkdwn, padToWidth } from './text.js';

/**
 * Slack's table block: at most 100 rows (the header row counts) of at most 20 cells, each cell
 * at least one character. Slack also rejects messages whose blocks carry much more than ~13k
 * characters (`msg_blocks_too_long`), so the table keeps to a character budget that leaves room
 * for the SQL and the rest of the message.
 */
export const TABLE_LIMITS = {
  rows: 100,
  columns: 20,
  cellChars: 120,
  totalChars: 8000,
} as const;

/** The monospace fallback lives in one section, whose text Slack caps at 3000 characters. */
export const MONOSPACE_LIMITS = { cellWidth: 24, totalChars: 2900 } as const;
/** One line of the monospace table at most: a third of the section, so rows always fit too. */
const HEADER_MAX = 960;

/** What an empty cell shows: the table block refuses empty cells, and a dash reads as "nothing". */
export const EMPTY_CELL = '—';

export interface TableBlock {
  type: 'table';
  column_settings: { align?: 'left' | 'right'; is_wrapped?: boolean }[];
  rows: { type: 'raw_text'; text: string }[][];
}

export interface Rendered<T> {
  value: T;
  /** Data rows shown (the header is not counted). */
  shownRows: number;
}

/**
 * The rows as a Slack `table` block, as many as fit Slack's limits, or null when the columns
 * alone do not fit (more than 20, or none).
 */
export function buildTableBlock(columns: string[], rows: ResultRow[]): Rendered<TableBlock | null> {
  if (columns.length === 0 || columns.length > TABLE_LIMITS.columns)
    return { value: null, shownRows: 0 };
  const cell = (text: string) => ({
    type: 'raw_text' as const,
    text: cut(text, TABLE_LIMITS.cellChars) || EMPTY_CELL,
  });
  const header = columns.map((column) => cell(column));
  let budget = TABLE_LIMITS.totalChars - header.reduce((sum, c) => sum + c.text.length, 0);
  const body: TableBlock['rows'] = [];
  for (const row of rows) {
    if (body.length >= TABLE_LIMITS.rows - 1) break;
    const cells = columns.map((column) => cell(cellText(row[column])));
    const size = cells.reduce((sum, c) => sum + c.text.length, 0);
    if (size > budget) break;
    budget -= size;
    body.push(cells);
  }
  const numeric = numericColumns(columns, rows);
  return {
    value: {
      type: 'table',
      column_settings: columns.map((column) =>
        numeric.has(column) ? { align: 'right' } : { is_wrapped: true },
      ),
      rows: [header, ...body],
    },
    shownRows: body.length,
  };
}

/**
 * The same rows as an aligned monospace table in a code block, for clients and workspaces
 * without the table block. Wide (CJK) characters count double so columns stay aligned.
 */
export function buildMonospaceTable(columns: string[], rows: ResultRow[]): Rendered<string> {
  if (columns.length === 0) return { value: '``` ```', shownRows: 0 };
  const numeric = numericColumns(columns, rows);
  const fit = (text: string) => cutToWidth(text, MONOSPACE_LIMITS.cellWidth);
  const header = columns.map(fit);
  const cells = rows.map((row) =>
    columns.map((column) => fit(cellText(row[column])) || EMPTY_CELL),
  );
  const widths = columns.map((_, i) =>
    Math.max(displayWidth(header[i] ?? ''), ...cells.map((line) => displayWidth(line[i] ?? ''))),
  );
  const format = (line: string[]) =>
    line
      .map((text, i) => padToWidth(text, widths[i] ?? 0, numeric.has(columns[i] ?? '')))
      .join('  ')
      .trimEnd();
  // Escaped line by line so the budget counts what Slack receives; a very wide header is cut
  // so that it still leaves room for rows.
  const safe = (line: string) => cut(escapeMrkdwn(line.replace(/```/g, '`\u200b``')), HEADER_MAX);
  const lines = [safe(format(header)), safe(widths.map((w) => '-'.repeat(w)).join('  '))];
  let length = 6 + lines.reduce((sum, line) => sum + line.length + 1, 0);
  let shown = 0;
  for (const line of cells) {
    const text = safe(format(line));
    if (length + text.length + 1 > MONOSPACE_LIMITS.totalChars) break;
    lines.push(text);
    length += text.length + 1;
    shown += 1;
  }
  return { value: `\`\`\`${lines.join('\n')}\`\`\``, shownRows: shown };
}

/** Columns whose every non-empty value is a number: right-aligned, like a spreadsheet. */
function numericColumns(columns: string[], rows: ResultRow[]): Set<string> {
  const numeric = new Set<string>();
  for (const column of columns) {
    let seen = false;
    let allNumbers = true;
    for (const row of rows) {
      const value = row[column];
      if (value === null || value === undefined || value === '') continue;
      seen = true;
      if (
        typeof value !== 'number' &&
        !(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
      ) {
        allNumbers = false;
        break;
      }
    }
    if (seen && allNumbers) numeric.add(column);
  }
  return numeric;
}
