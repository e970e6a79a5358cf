import { QuarryError } from '../errors.js';
import type { SqlDialect } from '../ports.js';
import { type AccessRules, findHiddenReference } from './accessRules.js';
import { statementRanges, tokenizeSql } from './lexer.js';
import { findLexicalHazard } from './lexicalChecks.js';
import { type AstRecord, asRecord, type ParsedSql, parseSql, syntaxProblem } from './parser.js';
import { checkStatementKind, findUnsafeConstruct, type Refusal } from './statementChecks.js';

export type { AccessRules } from './accessRules.js';

const ONLY_SELECT = 'Only one read-only SELECT statement may run';

function refuse(message: string, sql: string, context: Record<string, unknown> = {}): never {
  throw new QuarryError('UNSAFE_SQL', message, { context: { ...context, sql } });
}

function refusalMessage(refusal: Refusal): string {
  return `${ONLY_SELECT}; this SQL contains ${refusal.what}.`;
}

function parseOrRefuse(sql: string, dialect: SqlDialect): ParsedSql {
  try {
    return parseSql(sql, dialect);
  } catch (error) {
    const { line, column, found } = syntaxProblem(error);
    const where =
      line === undefined
        ? ''
        : ` (line ${line}, column ${column ?? '?'}${found === undefined ? '' : ` at "${found}"`})`;
    throw new QuarryError(
      'UNSAFE_SQL',
      `This SQL could not be parsed, so it was not run${where}. Rewrite it as one plain SELECT.`,
      { cause: error, context: { sql, dialect } },
    );
  }
}

// The parser names every table a statement touches as `action::db::table`; any action other
// than a read means a write slipped into some corner of the tree.
function findNonReadAction(tableList: readonly string[]): string | null {
  for (const entry of tableList) {
    const action = entry.split('::')[0]?.toLowerCase() ?? '';
    if (action !== 'select' && action !== 'show') return action.toUpperCase();
  }
  return null;
}

// SQLite virtual tables over the raw database file: reading them bypasses every other rule.
const DENIED_TABLES = new Set(['sqlite_dbpage', 'sqlite_dbdata', 'sqlite_dbptr']);

function findDeniedTable(tableList: readonly string[]): string | null {
  for (const entry of tableList) {
    const table = entry.split('::')[2]?.toLowerCase() ?? '';
    if (DENIED_TABLES.has(table)) return table;
  }
  return null;
}

// SHOW and DESCRIBE hold only table names; EXPLAIN wraps the SELECT to inspect.
function inspectedRoot(statement: AstRecord): AstRecord | null {
  const type = statement.type;
  if (type === 'show' || type === 'desc') return null;
  if (type === 'explain') return asRecord(statement.expr);
  return statement;
}

/**
 * Throws QuarryError('UNSAFE_SQL', …) unless the SQL is exactly one read-only statement:
 * a SELECT (with WITH, UNION, subqueries) on either dialect, or on MySQL also a schema
 * SHOW, DESCRIBE or EXPLAIN SELECT. Refused anywhere in the statement: writes and DDL,
 * SELECT … INTO, locking reads, variable assignments, sleeping/locking/file/session
 * functions, executable comments, stacked statements, SQL the parser cannot read, and
 * tables or columns hidden by `rules`. The message says what was refused.
 */
export function assertReadOnlySql(sql: string, dialect: SqlDialect, rules?: AccessRules): void {
  const tokens = tokenizeSql(sql, dialect);
  const hazard = findLexicalHazard(sql, tokens, dialect);
  if (hazard !== null) refuse(hazard, sql, { dialect });
  if (statementRanges(tokens, sql).length === 0) refuse('There is no SQL statement to run.', sql);

  const parsed = parseOrRefuse(sql, dialect);
  if (parsed.statements.length !== 1) {
    refuse(`${ONLY_SELECT}; this SQL contains ${parsed.statements.length} statements.`, sql);
  }
  const statement = parsed.statements[0] as AstRecord;

  const kind = checkStatementKind(statement, dialect);
  if (kind !== null) refuse(refusalMessage(kind), sql, { dialect });

  const root = inspectedRoot(statement);
  const unsafe = root === null ? null : findUnsafeConstruct(root);
  if (unsafe !== null) refuse(refusalMessage(unsafe), sql, { dialect });

  const action = findNonReadAction(parsed.tableList);
  if (action !== null) refuse(`${ONLY_SELECT}; this SQL contains ${action}.`, sql, { dialect });

  const denied = findDeniedTable(parsed.tableList);
  if (denied !== null) {
    refuse(
      `This SQL reads ${denied}, which exposes the raw database file, so it was not run.`,
      sql,
    );
  }

  if (rules !== undefined) {
    const hidden = findHiddenReference(parsed.statements, parsed.tableList, sql, tokens, rules);
    if (hidden !== null) refuse(hidden, sql, { dialect });
  }
}
