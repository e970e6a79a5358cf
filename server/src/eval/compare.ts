import type { CellValue } from '@quarry/shared';

/**
 * Spider's execution-accuracy convention: the predicted and gold results match when their rows
 * are equal as multisets, with column order free, and row order compared only when the gold
 * query has ORDER BY. Numbers compare by value (1 = 1.0), so an integer-vs-real difference
 * between two correct queries is not a miss.
 */
export function sameResult(
  predicted: readonly (readonly CellValue[])[],
  gold: readonly (readonly CellValue[])[],
  goldSql: string,
): boolean {
  if (predicted.length !== gold.length) return false;
  if ((predicted[0]?.length ?? 0) !== (gold[0]?.length ?? 0)) return false;
  const ordered = /\border\s+by\b/i.test(goldSql);
  const left = predicted.map(rowKey);
  const right = gold.map(rowKey);
  if (ordered) return left.every((key, index) => key === right[index]);
  const leftCounts = multiset(left);
  const rightCounts = multiset(right);
  return (
    leftCounts.size === rightCounts.size &&
    [...leftCounts].every(([key, count]) => rightCounts.get(key) === count)
  );
}

/** A row as a key that ignores column order. */
function rowKey(row: readonly CellValue[]): string {
  return row.map(cellKey).sort().join('\u0001');
}

function cellKey(value: CellValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number')
    return `n:${Number.isInteger(value) ? value : Number(value.toPrecision(12))}`;
  if (typeof value === 'boolean') return `n:${value ? 1 : 0}`;
  const numeric = Number(value);
  return value.trim() !== '' && Number.isFinite(numeric) && /^-?\d+(\.\d+)?$/.test(value.trim())
    ? `n:${Number.isInteger(numeric) ? numeric : Number(numeric.toPrecision(12))}`
    : `s:${value}`;
}

function multiset(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
