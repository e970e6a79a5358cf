import type { SemanticsUsed, SqlRewrite } from '@quarry/shared';
import type { DataSource, SqlDialect } from '../../ports.js';
import {
  type DictionaryRule,
  type DictionaryRules,
  type RewriteResult,
  rewriteWithDictionaries,
} from '../../sql/abbreviations.js';
import { extractSqlToRun } from '../../sql/extract.js';
import type { AbbreviationMaps, PipelineDeps } from '../types.js';

/**
 * What post-processing made of the model's output: the SQL to run and what each pass rewrote,
 * so users are shown why the SQL differs from what the model wrote.
 */
export interface PostProcessed {
  sql: string;
  /** Calculated fields and metrics of the semantic layer written out in `sql`. */
  semanticsUsed: SemanticsUsed;
  /** The dictionary pass's rewrites, `before → after`; empty when it changed nothing. */
  rewrites: SqlRewrite[];
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

/** The admin's dictionaries as rules: scoped entries carry the columns they apply to. */
export function dictionaryRules(maps: AbbreviationMaps): DictionaryRules {
  const rules = (kind: 'department' | 'project'): DictionaryRule[] =>
    [...maps[kind]].map(([abbreviation, fullName]) => {
      const columns = maps.columns?.[kind].get(abbreviation);
      return { abbreviation, fullName, ...(columns ? { columns } : {}) };
    });
  return { department: rules('department'), project: rules('project') };
}

/**
 * The dictionary pass: department then project abbreviations in string literals become full
 * names (read fresh from the store, so an admin's change applies to this very ask); entries
 * scoped to columns only where the literal is compared with one of them.
 */
export async function rewriteAbbreviations(
  deps: Pick<PipelineDeps, 'knowledge'>,
  sql: string,
  dialect: SqlDialect,
): Promise<{ sql: string; rewrites: SqlRewrite[] }> {
  const maps = await deps.knowledge.abbreviationDictionaries();
  const result = rewriteWithDictionaries(sql, dictionaryRules(maps), dialect);
  return { sql: result.sql, rewrites: result.rewrites.map(toSqlRewrite) };
}

function toSqlRewrite(rewrite: RewriteResult['rewrites'][number]): SqlRewrite {
  return {
    before: rewrite.before,
    after: rewrite.after,
    dictionary: rewrite.dictionary,
    ...(rewrite.column ? { column: rewrite.column } : {}),
  };
}

/** The dictionary pass as an ask applies it (legacy strings spelled out first), for previews. */
export async function previewAbbreviations(
  deps: Pick<PipelineDeps, 'knowledge'>,
  sql: string,
  dataSource: DataSource,
): Promise<{ sql: string; rewrites: SqlRewrite[] }> {
  const runnable = await asEngineReadsIt(sql, dataSource);
  return rewriteAbbreviations(deps, runnable, dataSource.dialect);
}

/**
 * Model output → the SQL to run: extraction (refusing a stacked write whole), SQLite's legacy
 * double-quoted strings as single-quoted literals (first, so `"RD"` is a literal the
 * dictionaries can see), the dictionary pass, then the semantic layer written out (calculated
 * fields, metrics as CTEs). Returns null when the output holds no SQL. Safety is checked right
 * before execution, on the expanded SQL.
 */
export async function postProcessSql(
  deps: Pick<PipelineDeps, 'knowledge' | 'expandSemantics'>,
  input: { raw: string; datasource: string; dataSource: DataSource; signal?: AbortSignal },
): Promise<PostProcessed | null> {
  const { dialect } = input.dataSource;
  const extracted = extractSqlToRun(input.raw, dialect);
  if (extracted === null) return null;
  const runnable = await asEngineReadsIt(extracted, input.dataSource, input.signal);
  const dictionary = await rewriteAbbreviations(deps, runnable, dialect);
  const expanded = await deps.expandSemantics(input.datasource, dictionary.sql, input.dataSource);
  return { ...expanded, rewrites: dictionary.rewrites };
}
