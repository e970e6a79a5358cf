import type { DataSource, QueryResult } from '../../ports.js';
import type { PipelineDeps } from '../types.js';

/** Runs SQL that passed its dry run, within the row and byte caps and the time limit. */
export async function executeSql(
  deps: PipelineDeps,
  input: { sql: string; dataSource: DataSource; signal: AbortSignal },
): Promise<QueryResult> {
  return input.dataSource.execute(input.sql, {
    rowLimit: deps.settings.rowLimit,
    maxBytes: deps.settings.resultMaxBytes,
    timeoutMs: deps.settings.queryTimeoutMs,
    signal: input.signal,
  });
}
