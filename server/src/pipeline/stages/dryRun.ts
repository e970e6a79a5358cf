import { QuarryError } from '../../errors.js';
import type { DataSource } from '../../ports.js';
import type { AccessRules } from '../../sql/guard.js';
import { guardRefusal, type PreparedSql, prepareSql } from '../../sql/prepare.js';
import type { SemanticCatalog } from '../../sql/semantics.js';

/**
 * The read-only guard in its two layers, then the database's own check that the SQL compiles.
 * Where the engine judges a compiled statement (SQLite; PostgreSQL from its plan), its verdict
 * decides: a statement it says could write, or that reads relations outside the data source's
 * schema, is refused whatever the parser made of it, and SQL no grammar could read runs on
 * that verdict. Elsewhere (MySQL) the parser layer refuses before EXPLAIN, and the
 * session's read-only transaction is the part no text can get round; SQL naming a database
 * other than the data source's own is refused there too (see sql/schemaScope.ts). SQL the guard refuses
 * (`UNSAFE_SQL`) never runs; a compile failure is `DRY_RUN_FAILED`. Returns the SQL to run.
 */
export async function dryRunSql(input: {
  sql: string;
  dataSource: DataSource;
  accessRules?: AccessRules | undefined;
  /** The data source's semantic layer, written out first as an ask would (SQL pairs, previews). */
  semantics?: SemanticCatalog;
  signal?: AbortSignal;
}): Promise<string> {
  const { dataSource } = input;
  const schema = dataSource.schema === undefined ? {} : { schema: dataSource.schema };
  const prepared = await prepareSql(
    { sql: input.sql },
    {
      dialect: dataSource.dialect,
      rules: { ...input.accessRules, ...schema },
      ...(input.semantics ? { semantics: input.semantics } : {}),
    },
  );
  return dryRunPrepared({
    prepared,
    dataSource,
    ...(input.signal ? { signal: input.signal } : {}),
  });
}

/**
 * dryRunSql for SQL `sql/` already finished (see prepareSql): the guard's verdict was given
 * there and is raised here, in the dry run's turn; then the engine's.
 */
export async function dryRunPrepared(input: {
  prepared: PreparedSql;
  dataSource: DataSource;
  signal?: AbortSignal;
}): Promise<string> {
  const { dataSource } = input;
  const refusal = guardRefusal(input.prepared);
  if (refusal !== null) throw refusal;
  const sql = input.prepared.sql;
  if (dataSource.inspect === undefined) {
    await dataSource.dryRun(sql, input.signal);
    return sql;
  }
  const verdict = await dataSource.inspect(sql, input.signal);
  if (!verdict.readOnly) {
    throw new QuarryError(
      'UNSAFE_SQL',
      'Only one read-only SELECT statement may run; the database reports that this SQL would change data, so it was not run.',
      { context: { sql, reason: { code: 'sql_engine_writes' } } },
    );
  }
  const foreign = verdict.foreignRelations ?? [];
  if (foreign.length > 0) {
    throw new QuarryError(
      'UNSAFE_SQL',
      `This SQL reads ${foreign.join(', ')}, outside the tables questions are answered from (system catalogs and other schemas are not available), so it was not run.`,
      {
        context: {
          sql,
          relations: foreign,
          reason: { code: 'sql_outside_schema', params: { relations: foreign.join(', ') } },
        },
      },
    );
  }
  return verdict.sql;
}
