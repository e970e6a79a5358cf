import {
  type CalculatedFieldInput,
  type CellValue,
  describeReason,
  type MetricColumn,
  type MetricInput,
  type Reason,
  type RelationshipInput,
} from '@quarry/shared';
import { isQuarryError } from '../errors.js';
import type { SemanticDefinitions } from '../knowledge/port.js';
import { dryRunSql } from '../pipeline/stages/dryRun.js';
import type { DataSource, QueryResult, SqlDialect, TableInfo } from '../ports.js';
import type { AccessRules } from '../sql/guard.js';
import { isSignificant, tokenizeSql, tokenText } from '../sql/lexer.js';
import { refusalReason } from '../sql/refusalReasons.js';
import { expandSemantics } from '../sql/semantics.js';
import { semanticCatalog } from './view.js';

/**
 * What is wrong with a definition: the field to fix, a sentence naming the problem (English)
 * and the same as a reason, so the console can say it in the admin's language.
 */
export interface Problem {
  field: string;
  message: string;
  reason: Reason;
}

/** A problem worded by its reason. */
function problem(field: string, reason: Reason): Problem {
  return { field, message: describeReason(reason, 'en'), reason };
}

/** Where a definition is checked: its data source as it is now. */
export interface ValidationContext {
  datasource: string;
  dataSource: DataSource;
  /** Every table the data source has (hidden ones included), as described now. */
  tables: readonly TableInfo[];
  rules: AccessRules;
  /** The other definitions (a metric may use calculated fields); the one checked is left out. */
  definitions: SemanticDefinitions;
  timeoutMs: number;
}

const lower = (name: string) => name.toLowerCase();
const q = (dialect: SqlDialect, name: string) =>
  dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;

function findTable(context: ValidationContext, name: string): TableInfo | undefined {
  return context.tables.find((table) => lower(table.name) === lower(name));
}

function missingColumn(table: TableInfo, columns: readonly string[]): string | undefined {
  return columns.find((column) => !table.columns.some((c) => lower(c.name) === lower(column)));
}

/**
 * Guard and dry run, as an ask's SQL gets them; a refusal or a compile failure becomes a
 * problem naming `what`. A data source that cannot be reached is thrown, not a problem.
 */
async function runsReadOnly(
  context: ValidationContext,
  sql: string,
  field: string,
  what: string,
): Promise<{ problem: Problem } | { sql: string }> {
  try {
    return {
      sql: await dryRunSql({ sql, dataSource: context.dataSource, accessRules: context.rules }),
    };
  } catch (error) {
    if (isQuarryError(error, 'UNSAFE_SQL')) {
      return {
        problem: {
          field,
          message: `${what} is not a read-only query: ${error.message}`,
          reason: refusalReason(error.message),
        },
      };
    }
    if (isQuarryError(error, 'DRY_RUN_FAILED') || isQuarryError(error, 'SQL_EXECUTION_FAILED')) {
      return {
        problem: {
          field,
          message: `${what} does not run on data source ${context.datasource}: ${error.message}`,
          reason: {
            code: 'sql_does_not_run',
            params: { datasource: context.datasource, detail: error.message },
          },
        },
      };
    }
    throw error;
  }
}

export async function checkRelationship(
  context: ValidationContext,
  input: RelationshipInput,
): Promise<Problem | null> {
  const from = findTable(context, input.from_table);
  if (!from) {
    return problem('from_table', {
      code: 'semantic_no_table',
      params: { table: input.from_table },
    });
  }
  const to = findTable(context, input.to_table);
  if (!to) {
    return problem('to_table', { code: 'semantic_no_table', params: { table: input.to_table } });
  }
  const fromMissing = missingColumn(from, input.from_columns);
  if (fromMissing) {
    return problem('from_columns', {
      code: 'semantic_no_column',
      params: { table: from.name, column: fromMissing },
    });
  }
  const toMissing = missingColumn(to, input.to_columns);
  if (toMissing) {
    return problem('to_columns', {
      code: 'semantic_no_column',
      params: { table: to.name, column: toMissing },
    });
  }
  const { dialect } = context.dataSource;
  const condition = input.from_columns
    .map((column, i) => `f.${q(dialect, column)} = t.${q(dialect, input.to_columns[i] ?? '')}`)
    .join(' AND ');
  const sql = `SELECT 1 FROM ${q(dialect, from.name)} f JOIN ${q(dialect, to.name)} t ON ${condition} WHERE 1 = 0`;
  const ran = await runsReadOnly(context, sql, 'to_columns', 'The join condition');
  return 'problem' in ran ? ran.problem : null;
}

/** Whether `expression` is one self-contained expression: balanced, terminated, no `;`. */
function expressionShapeProblem(expression: string, dialect: SqlDialect): Reason | null {
  let depth = 0;
  for (const token of tokenizeSql(expression, dialect)) {
    if (!token.terminated) return { code: 'expression_unterminated' };
    if (!isSignificant(token) || token.kind !== 'symbol') continue;
    const symbol = tokenText(expression, token);
    if (symbol === ';') return { code: 'expression_semicolon' };
    if (symbol === '(') depth += 1;
    if (symbol === ')') depth -= 1;
    if (depth < 0) return { code: 'expression_unbalanced' };
  }
  return depth === 0 ? null : { code: 'expression_unbalanced' };
}

/**
 * The SELECT that shows a calculated field beside its table's rows (validation and preview),
 * written out by the same expansion asks get, so what is checked is what will run.
 */
export function calculatedFieldSelect(
  context: Pick<ValidationContext, 'dataSource' | 'tables' | 'definitions'>,
  input: Pick<CalculatedFieldInput, 'table' | 'name' | 'expression'>,
  table: TableInfo,
): string {
  const { dialect } = context.dataSource;
  const catalog = semanticCatalog(context.tables, context.definitions);
  const written = `SELECT ${q(dialect, table.name)}.*, ${q(dialect, input.name)} FROM ${q(dialect, table.name)}`;
  return expandSemantics(written, dialect, {
    ...catalog,
    calculatedFields: [
      ...catalog.calculatedFields.filter(
        (field) =>
          !(lower(field.table) === lower(table.name) && lower(field.name) === lower(input.name)),
      ),
      { table: table.name, name: input.name, expression: input.expression },
    ],
  }).sql;
}

export async function checkCalculatedField(
  context: ValidationContext,
  input: CalculatedFieldInput,
): Promise<Problem | null> {
  const table = findTable(context, input.table);
  if (!table)
    return problem('table', { code: 'semantic_no_table', params: { table: input.table } });
  if (table.columns.some((column) => lower(column.name) === lower(input.name))) {
    return problem('name', {
      code: 'semantic_column_taken',
      params: { table: table.name, name: input.name },
    });
  }
  const shape = expressionShapeProblem(input.expression, context.dataSource.dialect);
  if (shape) return problem('expression', shape);
  const sql = calculatedFieldSelect(context, input, table);
  const ran = await runsReadOnly(context, sql, 'expression', 'The expression');
  return 'problem' in ran ? ran.problem : null;
}

/** The metric's SQL without trailing semicolons and space, as it is stored and inlined. */
export function metricBody(sql: string, dialect: SqlDialect): string {
  const tokens = tokenizeSql(sql, dialect);
  const last = tokens.findLast(
    (token) => isSignificant(token) && !(token.kind === 'symbol' && tokenText(sql, token) === ';'),
  );
  return last === undefined ? sql.trim() : sql.slice(0, last.end).trim();
}

function columnType(values: readonly CellValue[]): string {
  const present = values.filter((value) => value !== null);
  if (present.length === 0) return 'TEXT';
  if (present.every((value) => typeof value === 'number' && Number.isInteger(value)))
    return 'INTEGER';
  if (present.every((value) => typeof value === 'number')) return 'DECIMAL';
  if (present.every((value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)))
    return 'DATE';
  return 'TEXT';
}

/** The metric's output columns and a first look at its rows, or the problem. */
export async function checkMetric(
  context: ValidationContext,
  input: MetricInput,
): Promise<{ problem: Problem } | { columns: MetricColumn[]; result: QueryResult }> {
  const { dialect } = context.dataSource;
  if (findTable(context, input.name)) {
    return {
      problem: problem('name', { code: 'semantic_table_taken', params: { name: input.name } }),
    };
  }
  const body = metricBody(input.sql, dialect);
  const first = tokenizeSql(body, dialect).find(isSignificant);
  const head = first ? tokenText(body, first).toUpperCase() : '';
  if (head !== 'SELECT' && head !== 'WITH') {
    return {
      problem: problem(
        'sql',
        head ? { code: 'metric_not_select', params: { head } } : { code: 'sql_no_statement' },
      ),
    };
  }
  const expanded = expandSemantics(body, dialect, {
    ...semanticCatalog(context.tables, context.definitions),
    metrics: [],
  }).sql;
  const ran = await runsReadOnly(context, expanded, 'sql', "The metric's SQL");
  if ('problem' in ran) return ran;
  let result: QueryResult;
  try {
    result = await context.dataSource.execute(ran.sql, {
      rowLimit: 20,
      timeoutMs: context.timeoutMs,
    });
  } catch (error) {
    if (!isQuarryError(error, 'SQL_EXECUTION_FAILED')) throw error;
    return {
      problem: {
        field: 'sql',
        message: `The metric's SQL does not run on data source ${context.datasource}: ${error.message}`,
        reason: {
          code: 'sql_does_not_run',
          params: { datasource: context.datasource, detail: error.message },
        },
      },
    };
  }
  const seen = new Set<string>();
  for (const column of result.columns) {
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(column) || seen.has(lower(column))) {
      return {
        problem: problem(
          'sql',
          column
            ? { code: 'metric_column_alias', params: { column } }
            : { code: 'metric_column_unnamed' },
        ),
      };
    }
    seen.add(lower(column));
  }
  const columns = result.columns.map((name) => ({
    name,
    type: columnType(result.rows.map((row) => row[name] ?? null)),
  }));
  return { columns, result };
}
