import type { ResultRow } from '@quarry/shared';
import { type ColumnProfile, numericValue } from './resultProfile.js';

/**
 * Numbers an answer may cite: every number in the rows (also inside text such as dates), the
 * statistics the prompt gave (sum, average, minimum, maximum, counts), and numbers of the
 * question and the SQL. Counting words up to ten are always fine ("the top 3").
 */
export function citableNumbers(input: {
  rows: readonly ResultRow[];
  profiles: readonly ColumnProfile[];
  question: string;
  sql: string;
}): number[] {
  const allowed: number[] = [input.rows.length, input.profiles.length];
  for (let small = 0; small <= 10; small += 1) allowed.push(small);
  for (const row of input.rows) {
    for (const cell of Object.values(row)) {
      const number = numericValue(cell);
      if (number !== undefined) allowed.push(number);
      else if (typeof cell === 'string') allowed.push(...digitRuns(cell));
    }
  }
  for (const profile of input.profiles) {
    allowed.push(profile.distinct, profile.present);
    if (profile.stats) {
      const { min, max, sum, avg } = profile.stats;
      allowed.push(min, max, sum, avg);
    }
  }
  allowed.push(...digitRuns(input.question), ...digitRuns(input.sql));
  return allowed;
}

function digitRuns(text: string): number[] {
  return [...text.matchAll(/\d+(?:\.\d+)?/g)].map((match) => Number(match[0]));
}

/** Scale words and suffixes a sentence may put after a number. */
const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  千: 1e3,
  m: 1e6,
  million: 1e6,
  万: 1e4,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
  亿: 1e8,
};

const NUMBER =
  /(^|[^\p{Script=Latin}\p{N}._])(-|−)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(%|％|percent\b|thousand\b|million\b|billion\b|bn\b|[kKmMbB](?![\p{L}])|[千万亿]))?/gu;

interface CitedNumber {
  text: string;
  value: number;
  /** One unit of the last digit written, in the number's scale: how far rounding may move it. */
  tolerance: number;
  percent: boolean;
}

/** The numbers a text cites, with the precision each was written to. */
export function citedNumbers(text: string): CitedNumber[] {
  const cited: CitedNumber[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const [, , sign, whole = '', fraction = '', suffix = ''] = match;
    const unit = suffix.toLowerCase();
    const percent = unit === '%' || unit === '％' || unit === 'percent';
    const scale = percent ? 1 : (SCALES[unit] ?? 1);
    const decimals = fraction.length > 0 ? fraction.length - 1 : 0;
    const magnitude = Number(`${whole.replace(/,/g, '')}${fraction}`);
    cited.push({
      text: match[0].slice(match[1]?.length ?? 0).trim(),
      value: (sign ? -magnitude : magnitude) * scale,
      tolerance: 10 ** -decimals * scale,
      percent,
    });
  }
  return cited;
}

function isCitable(number: CitedNumber, allowed: readonly number[]): boolean {
  const targets = number.percent ? [number.value, number.value / 100] : [number.value];
  return targets.some((target, index) => {
    const tolerance = index === 1 ? number.tolerance / 100 : number.tolerance;
    // "fell by 200" cites a change of -200: the sign is the sentence's, not the number's.
    return allowed.some(
      (value) =>
        Math.abs(value - target) <= tolerance + 1e-9 ||
        Math.abs(Math.abs(value) - Math.abs(target)) <= tolerance + 1e-9,
    );
  });
}

/** Sentences, each with its closing punctuation; a decimal point does not end one. */
function sentences(text: string): string[] {
  return (text.match(/[^。！？!?\n]*?(?:[。！？!?]+|\.(?=\s|$)|\n|$)\s*/g) ?? []).filter(
    (sentence) => sentence.trim() !== '',
  );
}

/**
 * Keeps the sentences whose every number is citable and drops the others, naming the numbers
 * that were not: the model may round a number from the rows, never make one up.
 */
export function dropUncitedNumbers(
  answer: string,
  allowed: readonly number[],
): { answer: string; unverified: string[] } {
  const unverified: string[] = [];
  const kept = sentences(answer).filter((sentence) => {
    const invented = citedNumbers(sentence).filter((number) => !isCitable(number, allowed));
    unverified.push(...invented.map((number) => number.text));
    return invented.length === 0;
  });
  return { answer: kept.join('').trim(), unverified };
}
