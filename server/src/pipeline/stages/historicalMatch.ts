import { isQuarryError } from '../../errors.js';
import type { SqlDialect, TableInfo } from '../../ports.js';
import { tokenizeSql, tokenText } from '../../sql/lexer.js';
import { renderDdl } from '../schemaText.js';
import type { PipelineDeps } from '../types.js';
import { dryRunSql } from './dryRun.js';
import { retrieveSchema } from './schemaRetrieval.js';

/**
 * A question asked before whose SQL was verified (a SQL pair, or an up-voted standalone ask)
 * needs no model: its SQL goes straight to execution. The store normalizes case, width,
 * punctuation and spaces. A follow-up in a thread with earlier turns means what its thread
 * makes of it, so it is never matched on its words alone.
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
): Promise<string | undefined> {
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
    // A SQL pair may read metrics and calculated fields: checked as it would run.
    const expanded = await deps.expandSemantics(input.datasource, sql, dataSource);
    await dryRunSql({
      sql: expanded.sql,
      dataSource,
      accessRules: await deps.accessRules(input.datasource),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    return sql;
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
 * it names, then those the question retrieves, at most SCHEMA_MAX_TABLES — never the whole
 * catalogue of a large data source.
 */
export async function schemaForVerifiedSql(
  deps: PipelineDeps,
  input: {
    datasource: string;
    question: string;
    sql: string;
    dialect: SqlDialect;
    signal: AbortSignal;
  },
): Promise<string> {
  const [all, retrieved] = await Promise.all([
    deps.schema(input.datasource),
    retrieveSchema(deps, input),
  ]);
  const named = tablesNamedIn(input.sql, all, input.dialect);
  const chosen = new Map<string, TableInfo>();
  for (const table of [...named, ...retrieved]) {
    if (chosen.size >= deps.settings.maxTables) break;
    chosen.set(table.name, table);
  }
  return renderDdl([...chosen.values()], input.dialect);
}

/** The tables whose names occur as words or quoted identifiers in the SQL, in schema order. */
function tablesNamedIn(
  sql: string,
  tables: readonly TableInfo[],
  dialect: SqlDialect,
): TableInfo[] {
  const words = new Set(
    tokenizeSql(sql, dialect)
      .filter((token) => token.kind === 'word' || token.kind === 'quoted_identifier')
      .map((token) =>
        tokenText(sql, token)
          .replace(/^[`"[]|[`"\]]$/g, '')
          .toLowerCase(),
      ),
  );
  return tables.filter((table) => words.has(table.name.toLowerCase()));
}
