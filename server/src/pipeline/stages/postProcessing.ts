import type { SqlRewrite } from '@quarry/shared';
import type { DataSource } from '../../ports.js';
import type { DictionaryRule, DictionaryRules } from '../../sql/abbreviations.js';
import { type PreparedSql, prepareSql, type SqlContext } from '../../sql/prepare.js';
import type { AbbreviationMaps, PipelineDeps } from '../types.js';

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
 * What `sql/` needs of the ask's data source to finish a candidate SQL: its access rules and
 * schema, and its semantic layer; for a model's answer also SQLite's reading of legacy
 * strings and the dictionaries, read fresh from the store so an admin's change applies to this
 * very ask. Verified SQL runs as it was verified, its semantic layer aside.
 */
export async function sqlContext(
  deps: Pick<PipelineDeps, 'knowledge' | 'semanticCatalog' | 'accessRules'>,
  input: { datasource: string; dataSource: DataSource; answer: boolean; signal?: AbortSignal },
): Promise<SqlContext> {
  const { dataSource } = input;
  const [rules, semantics, maps] = await Promise.all([
    deps.accessRules(input.datasource),
    deps.semanticCatalog(input.datasource),
    input.answer ? deps.knowledge.abbreviationDictionaries() : undefined,
  ]);
  return {
    dialect: dataSource.dialect,
    rules: dataSource.schema === undefined ? rules : { ...rules, schema: dataSource.schema },
    semantics,
    ...(maps === undefined
      ? {}
      : {
          dictionaries: dictionaryRules(maps),
          engineReading: (sql: string) => asEngineReadsIt(sql, dataSource, input.signal),
        }),
  };
}

/** The dictionary pass as an ask applies it (legacy strings spelled out first), for previews. */
export async function previewAbbreviations(
  deps: Pick<PipelineDeps, 'knowledge'>,
  sql: string,
  dataSource: DataSource,
): Promise<{ sql: string; rewrites: SqlRewrite[] }> {
  const prepared = await prepareSql(
    { sql },
    {
      dialect: dataSource.dialect,
      rules: {},
      dictionaries: dictionaryRules(await deps.knowledge.abbreviationDictionaries()),
      engineReading: (text) => asEngineReadsIt(text, dataSource),
    },
  );
  return { sql: prepared.sql, rewrites: prepared.rewrites };
}

/**
 * Model output → the candidate SQL, finished by `sql/` in one call (see prepareSql): the SQL to
 * run, its rewrites, the semantic layer it used and the guard's verdict. Null when the output
 * holds no SQL. The verdict is raised by the dry run, after users were shown the SQL.
 */
export async function postProcessSql(
  deps: Pick<PipelineDeps, 'knowledge' | 'semanticCatalog' | 'accessRules'>,
  input: { raw: string; datasource: string; dataSource: DataSource; signal?: AbortSignal },
): Promise<PreparedSql | null> {
  const context = await sqlContext(deps, { ...input, answer: true });
  return prepareSql({ answer: input.raw }, context);
}
