import type { DataSource, QueryResult } from '../../ports.js';
import type { PipelineDeps } from '../types.js';

/** Runs SQL that passed its dry run, within the row cap and time limit. */
export async function executeSql(
  deps: PipelineDeps,
  input: { sql: string; dataSource: DataSource; signal: AbortSignal },
): Promise<QueryResult> {
  return input.dataSource.execute(input.sql, {
    rowLimit: deps.settings.rowLimit,
    timeoutMs: deps.settings.queryTimeoutMs,
    signal: input.signal,
  });
}
