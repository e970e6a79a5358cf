import type { CellValue, ResultRow } from '@quarry/shared';

/** How a column reads for an answer and a chart. */
export type ColumnRole = 'temporal' | 'quantitative' | 'nominal';

/** Granularity of a temporal column's values, for the chart's time unit. */
export type TimeGrain = 'year' | 'month' | 'date' | 'datetime';

export interface ColumnProfile {
  name: string;
  role: ColumnRole;
  /** Only for temporal columns. */
  grain?: TimeGrain;
  /** Values that are not null. */
  present: number;
  distinct: number;
  /** Quantitative columns only. */
  stats?: { min: number; max: number; sum: number; avg: number; negative: boolean };
}

const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;
const MONTH = /^\d{4}-\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Column names that say "year" (English, Chinese); their whole numbers are years, not measures. */
const YEAR_NAME = /(^|_|\b)(year|yr)s?($|_|\b)|年/i;
/** Identifiers are numbers nobody sums. */
const ID_NAME = /(^|_)(id|code|no|number)$|编号|代码/i;

/** A cell as a number when it is one: numbers, and decimals drivers deliver as text. */
export function numericValue(cell: CellValue): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell === 'string' && NUMERIC_TEXT.test(cell.trim())) return Number(cell);
  return undefined;
}

function grainOf(value: string): TimeGrain | undefined {
  if (MONTH.test(value)) return 'month';
  if (DATE.test(value)) return 'date';
  if (DATETIME.test(value)) return 'datetime';
  return undefined;
}

/** Reads each column's role from its name and every value (not a sample: rows are capped). */
export function profileColumns(
  columns: readonly string[],
  rows: readonly ResultRow[],
): ColumnProfile[] {
  return columns.map((name) => {
    const values = rows
      .map((row) => row[name])
      .filter((cell) => cell !== null && cell !== undefined);
    const distinct = new Set(values.map((cell) => String(cell))).size;
    const base = { name, present: values.length, distinct };
    if (values.length === 0) return { ...base, role: 'nominal' };
    const numbers = values.map(numericValue);
    const allNumeric = numbers.every((number) => number !== undefined);
    if (
      allNumeric &&
      YEAR_NAME.test(name) &&
      (numbers as number[]).every((year) => Number.isInteger(year) && year >= 1900 && year <= 2100)
    ) {
      return { ...base, role: 'temporal', grain: 'year' };
    }
    if (allNumeric && !ID_NAME.test(name)) {
      const list = numbers as number[];
      let [min, max, sum] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0];
      for (const value of list) {
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
      }
      return {
        ...base,
        role: 'quantitative',
        stats: { min, max, sum, avg: sum / list.length, negative: min < 0 },
      };
    }
    if (values.every((cell) => typeof cell === 'string')) {
      const grains = new Set((values as string[]).map((value) => grainOf(value.trim())));
      if (grains.size === 1 && !grains.has(undefined)) {
        return { ...base, role: 'temporal', grain: [...grains][0] as TimeGrain };
      }
    }
    return { ...base, role: 'nominal' };
  });
}
