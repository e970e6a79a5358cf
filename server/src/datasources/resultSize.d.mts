/** How many bytes `value` takes in a JSON answer (see resultSize.mjs). */
export function valueBytes(value: unknown): number;

/**
 * Counts rows of `columns` (unique, as the rows will be keyed) against `maxBytes` of JSON;
 * `fits` adds a row and says whether the rows so far still fit.
 */
export function createByteBudget(
  columns: readonly string[],
  maxBytes: number,
): { fits(row: readonly unknown[]): boolean };
