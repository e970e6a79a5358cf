import type { DataSource } from '../../ports.js';
import { type AccessRules, assertReadOnlySql } from '../../sql/guard.js';

/**
 * The read-only guard, then the database's own check that the SQL compiles (EXPLAIN on MySQL,
 * prepare on SQLite). SQL the guard refuses (`UNSAFE_SQL`) never reaches the database;
 * a compile failure is `DRY_RUN_FAILED`.
 */
export async function dryRunSql(input: {
  sql: string;
  dataSource: DataSource;
  accessRules?: AccessRules | undefined;
  signal: AbortSignal;
}): Promise<void> {
  assertReadOnlySql(input.sql, input.dataSource.dialect, input.accessRules);
  await input.dataSource.dryRun(input.sql, input.signal);
}
