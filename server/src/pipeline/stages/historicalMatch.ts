import { isQuarryError } from '../../errors.js';
import type { SqlDialect, TableInfo } from '../../ports.js';
import { type PreparedSql, prepareSql } from '../../sql/prepare.js';
import { renderDdl } from '../schemaText.js';
import type { PipelineDeps } from '../types.js';
import { dryRunPrepared } from './dryRun.js';
import { sqlContext } from './postProcessing.js';
import { retrieveSchema } from './schemaRetrieval.js';

/**
 * A question asked before whose SQL was verified (a SQL pair, or an up-voted standalone ask)
 * needs no model: its SQL goes straight to execution. The snapshot's index normalizes case, width,
 * punctuation and spaces. A follow-up in a thread with earlier turns means what its thread
 * makes of it, so it is never matched on its words alone. Returns the verified SQL as `sql/`
 * finished it (its semantic layer written out), ready to run.
 */
export async function findHistoricalSql(
  deps: PipelineDeps,
  input: {
    question: string;
    datasource: string;
    threadId?: string;
    askId: string;
    signal?: AbortSignal;
  },
): Promise<PreparedSql | undefined> {
  if (input.threadId) {
    const earlier = await deps.knowledge.threadTurns(input.threadId, 1, input.askId);
    if (earlier.length > 0) return undefined;
  }
  const sql = await deps.knowledge.findVerifiedSql(input.question, input.datasource);
  if (sql === undefined) return undefined;
  // Verified once is not verified forever: SQL the schema (or a hidden column) has broken
  // since is no answer, so the question goes to the model like a new one.
  try {
    const dataSource = await deps.dataSource(input.datasource);
    // A SQL pair may read metrics and calculated fields: checked as it will run.
    const context = await sqlContext(deps, { ...input, dataSource, answer: false });
    const prepared = await prepareSql({ sql }, context);
    await dryRunPrepared({
      prepared,
      dataSource,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    return prepared;
  } catch (error) {
    if (isQuarryError(error, 'DRY_RUN_FAILED') || isQuarryError(error, 'UNSAFE_SQL')) {
      deps.logger.warn(
        { datasource: input.datasource, err: error },
        'verified SQL no longer passes its check; not used as a historical match',
      );
      return undefined;
    }
    throw error;
  }
}

/**
 * The schema a correction of verified SQL is shown, built only if that SQL fails: the tables
 * it reads (as `sql/` found them), then those the question retrieves, at most SCHEMA_MAX_TABLES — never the whole
 * catalogue of a large data source.
 */
export async function schemaForVerifiedSql(
  deps: PipelineDeps,
  input: {
    datasource: string;
    question: string;
    /** Lower-case names of the tables the SQL reads. */
    tables: readonly string[];
    dialect: SqlDialect;
    signal: AbortSignal;
  },
): Promise<string> {
  const [all, retrieved] = await Promise.all([
    deps.schema(input.datasource),
    retrieveSchema(deps, input),
  ]);
  const read = new Set(input.tables);
  const named = all.filter((table) => read.has(table.name.toLowerCase()));
  const chosen = new Map<string, TableInfo>();
  for (const table of [...named, ...retrieved]) {
    if (chosen.size >= deps.settings.maxTables) break;
    chosen.set(table.name, table);
  }
  return renderDdl([...chosen.values()], input.dialect);
}
