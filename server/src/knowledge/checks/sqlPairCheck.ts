import type { Reason } from '@quarry/shared';
import { isQuarryError } from '../../errors.js';
import { dryRunSql } from '../../pipeline/stages/dryRun.js';
import type { DataSource } from '../../ports.js';
import type { AccessRules } from '../../sql/guard.js';
import { refusalReason } from '../../sql/refusalReasons.js';
import type { SemanticCatalog } from '../../sql/semantics.js';

/** Where a check finds the data source and what its admin hid. */
export interface SqlCheckDeps {
  dataSource(name: string): Promise<DataSource>;
  accessRules(name: string): Promise<AccessRules>;
  /** The data source's semantic layer, written out in the SQL as an ask would run it. */
  semanticCatalog?(name: string): Promise<SemanticCatalog>;
}

/**
 * Whether SQL an admin teaches would run for an employee: it passes the read-only guard with
 * the data source's hidden tables and columns, and the data source compiles it (dry run).
 * Returns null when it would, or the reason it would not. A data source that cannot be
 * reached is a reason too: nothing unchecked is saved.
 */
export async function checkSql(
  deps: SqlCheckDeps,
  datasource: string,
  sql: string,
): Promise<Reason | null> {
  try {
    const dataSource = await deps.dataSource(datasource);
    const [accessRules, semantics] = await Promise.all([
      deps.accessRules(datasource),
      deps.semanticCatalog?.(datasource),
    ]);
    await dryRunSql({ sql, dataSource, accessRules, ...(semantics ? { semantics } : {}) });
    return null;
  } catch (error) {
    if (!isQuarryError(error)) throw error;
    switch (error.code) {
      case 'UNSAFE_SQL':
        return refusalReason(error.message);
      case 'DRY_RUN_FAILED':
      case 'SQL_EXECUTION_FAILED':
        return { code: 'sql_does_not_run', params: { datasource, detail: error.message } };
      case 'DATASOURCE_NOT_FOUND':
        return { code: 'datasource_not_found', params: { datasource } };
      case 'DATASOURCE_UNAVAILABLE':
        return { code: 'datasource_unavailable', params: { datasource, detail: error.message } };
      default:
        throw error;
    }
  }
}
