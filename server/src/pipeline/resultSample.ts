import {
  type CellValue,
  RESULT_SAMPLE_MAX_BYTES,
  RESULT_SAMPLE_MAX_CELL_CHARS,
  RESULT_SAMPLE_MAX_ROWS,
  type ResultRow,
  type ResultSample,
} from '@quarry/shared';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

function cutCell(value: CellValue): { value: CellValue; cut: boolean } {
  if (typeof value !== 'string' || value.length <= RESULT_SAMPLE_MAX_CELL_CHARS)
    return { value, cut: false };
  return { value: `${value.slice(0, RESULT_SAMPLE_MAX_CELL_CHARS)}…`, cut: true };
}

/**
 * The first rows of a result as the ask history keeps them: at most `RESULT_SAMPLE_MAX_ROWS`
 * rows, long texts cut, and the whole at most `RESULT_SAMPLE_MAX_BYTES` of JSON (rows are left
 * out from the end until it fits). Undefined when not even the column names fit.
 */
export function sampleResult(result: {
  columns: string[];
  rows: ResultRow[];
}): ResultSample | undefined {
  const sample: ResultSample = {
    columns: result.columns,
    rows: [],
    row_count: result.rows.length,
    truncated: false,
  };
  let bytes = bytesOf(sample);
  if (bytes > RESULT_SAMPLE_MAX_BYTES) return undefined;
  for (const row of result.rows.slice(0, RESULT_SAMPLE_MAX_ROWS)) {
    let cut = false;
    const kept: ResultRow = {};
    for (const [column, value] of Object.entries(row)) {
      const cell = cutCell(value);
      kept[column] = cell.value;
      cut ||= cell.cut;
    }
    // One more row costs its JSON and a comma.
    const cost = bytesOf(kept) + 1;
    if (bytes + cost > RESULT_SAMPLE_MAX_BYTES) break;
    bytes += cost;
    sample.rows.push(kept);
    if (cut) sample.truncated = true;
  }
  if (sample.rows.length < result.rows.length) sample.truncated = true;
  return sample;
}
