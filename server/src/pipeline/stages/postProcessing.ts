import type { SemanticsUsed } from '@quarry/shared';
import type { DataSource } from '../../ports.js';
import { expandDictionaryAbbreviations } from '../../sql/abbreviations.js';
import { extractSqlToRun } from '../../sql/extract.js';
import type { PipelineDeps } from '../types.js';

/** What post-processing made of the model's output: the SQL to run and what it rewrote. */
export interface PostProcessed {
  sql: string;
  /** Calculated fields and metrics of the semantic layer written out in `sql`. */
  semanticsUsed: SemanticsUsed;
}

/**
 * The SQL as the engine will read it, where Quarry spells out a legacy form the engine would
 * otherwise refuse (SQLite's double-quoted strings). SQL that does not compile is left as it
 * is: the dry run reports why.
 */
async function asEngineReadsIt(sql: string, dataSource: DataSource, signal?: AbortSignal) {
  if (dataSource.inspect === undefined) return sql;
  try {
    return (await dataSource.inspect(sql, signal)).sql;
  } catch {
    return sql;
  }
}

/**
 * Model output → the SQL to run: extraction (refusing a stacked write whole), SQLite's legacy
 * double-quoted strings as single-quoted literals, then the department and project
 * abbreviation rewrite (read fresh from the store, so an admin's change applies to this very
 * ask), then the semantic layer written out (calculated fields, metrics as CTEs). Returns null
 * when the output holds no SQL. Safety is checked right before execution, on the expanded SQL.
 */
export async function postProcessSql(
  deps: PipelineDeps,
  input: { raw: string; datasource: string; dataSource: DataSource; signal?: AbortSignal },
): Promise<PostProcessed | null> {
  const { dialect } = input.dataSource;
  const extracted = extractSqlToRun(input.raw, dialect);
  if (extracted === null) return null;
  const runnable = await asEngineReadsIt(extracted, input.dataSource, input.signal);
  const dictionaries = await deps.knowledge.abbreviationDictionaries();
  const rewritten = expandDictionaryAbbreviations(runnable, dictionaries, dialect);
  return deps.expandSemantics(input.datasource, rewritten, input.dataSource);
}
