import type { CellValue, ResultRow } from '@quarry/shared';
import { uniqueColumnNames } from '../../datasources/cells.js';
import type { GoldResult } from './gold.js';

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * How far apart two non-integer numbers may be and still be one value: a few units in the last
 * place. Two builds of one engine may differ in a float aggregate's last bit (SQLite 3.43 sums
 * with Kahan-Babuska-Neumaier; the sqlite3 shell on a machine may be older, and it prints only
 * 15 digits anyway). Integers, decimals spelled as text, and text compare exactly.
 */
const REAL_TOLERANCE = 2 ** -50;

/** A decimal number's shortest spelling: no leading or trailing zeros, no `-0`. */
function canonicalDecimal(text: string): string {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const int = whole.replace(/^0+(?=\d)/, '');
  const frac = fraction.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== '0' ? `-${body}` : body;
}

/** A finite double in plain decimal notation (String() switches to exponents at 1e21 and 1e-7). */
function plainNumber(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return canonicalDecimal(text);
  const [, sign, lead, rest = '', exponent] = match;
  const digits = `${lead}${rest}`;
  const point = 1 + Number(exponent);
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return canonicalDecimal(`${sign}${body}`);
}

type Cell = CellValue | undefined;

const RANK = { undefined: 0, object: 1, boolean: 2, number: 3, string: 4 } as const;

/**
 * One cell seen as the gold side states it. With `decimalsAsText` (a MySQL gold side, whose
 * DECIMAL and BIGINT values arrive as text while Quarry's driver gives numbers), a decimal text
 * is a number, and matches a number only when both spell the same value: 2.50 and 2.5, not
 * 2.5000000001 and 2.5.
 */
function asGold(value: Cell, decimalsAsText: boolean): Cell {
  return decimalsAsText && typeof value === 'string' && DECIMAL_TEXT.test(value)
    ? Number(value)
    : value;
}

function compareCells(a: Cell, b: Cell): number {
  const rank = RANK[typeof a as keyof typeof RANK] - RANK[typeof b as keyof typeof RANK];
  if (rank !== 0 || a === b || a === null || a === undefined) return rank;
  return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
}

function sameCell(mine: Cell, theirs: Cell, decimalsAsText: boolean): boolean {
  if (typeof mine === 'number' && decimalsAsText && typeof theirs === 'string') {
    return DECIMAL_TEXT.test(theirs) && plainNumber(mine) === canonicalDecimal(theirs);
  }
  if (typeof mine !== 'number' || typeof theirs !== 'number') return mine === theirs;
  if (Number.isInteger(mine) && Number.isInteger(theirs)) return mine === theirs;
  return Math.abs(mine - theirs) <= REAL_TOLERANCE * Math.max(Math.abs(mine), Math.abs(theirs));
}

/**
 * Where Quarry's answer differs from the gold result in anything at all — column names (made
 * unique as Quarry makes them), a value's type or its exact value, row order when the gold
 * orders — or null when it is the same result. `columns` is null in text mode, whose rows are
 * JSON objects: the names are then the first row's keys, order aside.
 */
export function exactMismatch(
  answer: { columns: readonly string[] | null; rows: readonly ResultRow[] },
  gold: GoldResult,
  ordered: boolean,
  decimalsAsText: boolean,
): string | null {
  const names = uniqueColumnNames(gold.columns);
  if (answer.columns !== null) {
    if (JSON.stringify(answer.columns) !== JSON.stringify(names)) {
      return `columns ${JSON.stringify(answer.columns)} instead of ${JSON.stringify(names)}`;
    }
  } else if (answer.rows.length > 0) {
    const keys = Object.keys(answer.rows[0] as ResultRow).sort();
    if (JSON.stringify(keys) !== JSON.stringify([...names].sort())) {
      return `columns ${JSON.stringify(keys)} instead of ${JSON.stringify(names)}`;
    }
  }
  if (answer.rows.length !== gold.rows.length) {
    return `${answer.rows.length} rows instead of ${gold.rows.length}`;
  }
  const byRow = (a: readonly Cell[], b: readonly Cell[]) => {
    for (const [index, cell] of a.entries()) {
      const order = compareCells(asGold(cell, decimalsAsText), asGold(b[index], decimalsAsText));
      if (order !== 0) return order;
    }
    return 0;
  };
  const mine = answer.rows.map((row) => names.map((name): Cell => row[name]));
  const theirs: Cell[][] = gold.rows.map((row) => [...row]);
  // Without ORDER BY the rows are a multiset: both sides sorted the same way, then paired.
  if (!ordered) {
    mine.sort(byRow);
    theirs.sort(byRow);
  }
  const at = mine.findIndex(
    (row, index) =>
      !row.every((cell, column) => sameCell(cell, theirs[index]?.[column], decimalsAsText)),
  );
  if (at === -1) return null;
  return `${ordered ? `row ${at + 1}` : 'in sorted order, a row'} is ${JSON.stringify(mine[at])} where the gold has ${JSON.stringify(theirs[at])}`;
}
