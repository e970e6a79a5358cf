/** A seeded random source: the same sequence on every machine, so demo.sql is reproducible. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly T[], weight: (item: T) => number): T;
}

/** mulberry32: tiny and fast, which is all demo data needs (not for anything secret). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[int(0, items.length - 1)] as T;
  };
  const weighted = <T>(items: readonly T[], weight: (item: T) => number): T => {
    let left = next() * items.reduce((sum, item) => sum + weight(item), 0);
    for (const item of items) {
      left -= weight(item);
      if (left < 0) return item;
    }
    return pick(items.slice(-1));
  };
  return { next, int, pick, weighted };
}

const FIRST_DAY_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;

/** Days since 2025-01-01, the first day of the demo data. */
export const dayOf = (date: string) =>
  Math.round((Date.parse(`${date}T00:00:00Z`) - FIRST_DAY_MS) / DAY_MS);
export const dateOf = (day: number) =>
  new Date(FIRST_DAY_MS + day * DAY_MS).toISOString().slice(0, 10);
export const isWeekday = (day: number) =>
  ![0, 6].includes(new Date(FIRST_DAY_MS + day * DAY_MS).getUTCDay());
/** The last day of the demo data (2026-10-31). */
export const LAST_DAY = dayOf('2026-10-31');
