import { QuarryError } from '../errors.js';
import type { SqlDialect } from '../ports.js';
import { type AccessRules, findHiddenReference } from './accessRules.js';
import {
  isSignificant,
  lexSql,
  type SqlText,
  type SqlToken,
  statementRanges,
  statementText,
  tokenText,
} from './lexer.js';
import { findLexicalHazard, parserWouldMisread } from './lexicalChecks.js';
import { type AstRecord, asRecord, type ParsedSql, parseSql, syntaxProblem } from './parser.js';
import { findForeignSchema } from './schemaScope.js';
import {
  checkStatementKind,
  findUnsafeConstruct,
  ONLY_SELECT,
  type Refusal,
} from './statementChecks.js';
import { DENIED_TABLES, findUnparsedHazard } from './unparsedChecks.js';

/**
 * What the guard's own layer concluded. `parsed` is false when no grammar could read the SQL
 * and only the token rules passed it: the database engine's verdict must then confirm it is a
 * read (see the dry-run stage), as it does anyway where the engine gives one.
 */
export interface GuardVerdict {
  parsed: boolean;
  /**
   * Lower-case names of the tables the SQL reads, as the parser lists them; when no grammar
   * read it, every name the SQL holds (a table among them), so nothing it reads is missed.
   */
  tables: string[];
}

/**
 * Whether one statement is a read (the guard without access rules): null, or the refusal.
 * One judge serves one candidate SQL, so a statement extraction already judged is not judged
 * again when the guard meets it stacked behind another.
 */
export type ReadJudge = (statement: SqlText) => Error | null;

/** A fresh ReadJudge for one candidate SQL. */
export function readJudge(): ReadJudge {
  const judged = new Map<string, Error | null>();
  return (statement) => {
    const key = statement.sql.trim();
    let refusal = judged.get(key);
    if (refusal === undefined) {
      try {
        judgeSql(statement);
        refusal = null;
      } catch (error) {
        refusal = error instanceof Error ? error : new Error(String(error));
      }
      judged.set(key, refusal);
    }
    return refusal;
  };
}

export type { AccessRules } from './accessRules.js';

function refuse(message: string, sql: string, context: Record<string, unknown> = {}): never {
  throw new QuarryError('UNSAFE_SQL', message, { context: { ...context, sql } });
}

function refusalMessage(refusal: Refusal): string {
  return `${ONLY_SELECT}; this SQL contains ${refusal.what}.`;
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

function tableNames(tableList: readonly string[]): string[] {
  return [...new Set(tableList.map((entry) => (entry.split('::')[2] ?? '').toLowerCase()))].filter(
    (name) => name !== '' && name !== 'null',
  );
}

/** Every name in the SQL, unquoted and lower-case: what it might read, where no grammar could say. */
function namesIn(text: SqlText): string[] {
  const names = text.tokens
    .filter((token) => token.kind === 'word' || token.kind === 'quoted_identifier')
    .map((token) =>
      tokenText(text.sql, token)
        .replace(/^[`"[]|[`"\]]$/g, '')
        .toLowerCase(),
    );
  return [...new Set(names)];
}

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

/** The first words of a statement, to name it in a message. */
function statementHead(sql: string, tokens: readonly SqlToken[]): string {
  const words = tokens
    .filter(isSignificant)
    .slice(0, 4)
    .map((token) => tokenText(sql, token))
    .join(' ');
  return words.length > 60 ? `${words.slice(0, 57)}…` : words;
}

/**
 * Several statements in one answer: refused as a whole, naming the first that is not a read
 * (a write stacked behind a SELECT is a red flag: prompt injection, a confused model).
 */
function refuseStacked(
  text: SqlText,
  ranges: readonly [number, number][],
  reads: ReadJudge,
): never {
  const { sql, dialect } = text;
  const count = ranges.length;
  for (const [index, range] of ranges.entries()) {
    const statement = statementText(text, range);
    const refusal = reads(statement);
    if (refusal !== null) {
      refuse(
        `Only one read-only statement may run, and this SQL holds more than one statement: statement ${index + 1} of ${count} (${statementHead(statement.sql, statement.tokens)}) is not a read, so none of them was run.`,
        sql,
        { dialect, cause: refusal.message },
      );
    }
  }
  refuse(
    `Only one statement may run, and this SQL holds more than one statement (${count} reads); send them one at a time.`,
    sql,
    { dialect },
  );
}

/**
 * The guard's parser layer. Throws QuarryError('UNSAFE_SQL', …) unless the SQL is exactly one
 * read-only statement: a SELECT (with WITH, UNION, subqueries) on either dialect, or on MySQL
 * also a schema SHOW, DESCRIBE or EXPLAIN SELECT. Refused anywhere in the statement: writes
 * and DDL, SELECT … INTO, locking reads, variable assignments, sleeping/locking/file/session
 * functions, executable comments, stacked statements (naming the one that is not a read), and
 * tables or columns hidden by `rules`. The message says what was refused.
 *
 * SQL that no grammar can read is not refused for that alone: stricter token rules
 * (unparsedChecks.ts) apply instead and the verdict says `parsed: false`, so the caller holds
 * it to the engine's own verdict. The database engine is the authority; this is the second layer.
 */
export function assertReadOnlySql(
  sql: string,
  dialect: SqlDialect,
  rules?: AccessRules,
): GuardVerdict {
  return judgeSql(lexSql(sql, dialect), rules);
}

/**
 * assertReadOnlySql on SQL already lexed: the guard reads the token stream the rewrite passes
 * read, and `reads` remembers statements judged before (see ReadJudge).
 */
export function judgeSql(
  text: SqlText,
  rules?: AccessRules,
  reads: ReadJudge = readJudge(),
): GuardVerdict {
  const { sql, dialect, tokens } = text;
  const hazard = findLexicalHazard(sql, tokens, dialect);
  if (hazard !== null) refuse(hazard, sql, { dialect });
  const ranges = statementRanges(tokens, sql);
  if (ranges.length === 0) refuse('There is no SQL statement to run.', sql);
  if (ranges.length > 1) refuseStacked(text, ranges, reads);

  let parsed: ParsedSql;
  try {
    if (parserWouldMisread(sql, tokens, dialect))
      throw new Error('the parser would misread quotes');
    parsed = parseSql(sql, dialect);
  } catch (error) {
    const unparsed = findUnparsedHazard(sql, tokens, dialect, rules);
    if (unparsed !== null) {
      const { line, column, found } = syntaxProblem(error);
      refuse(unparsed, sql, { dialect, parser: { line, column, found } });
    }
    return { parsed: false, tables: namesIn(text) };
  }
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

  if (dialect === 'mysql' && rules?.schema !== undefined) {
    const foreign = findForeignSchema(parsed.statements, parsed.tableList, rules.schema);
    if (foreign !== null) refuse(foreign, sql, { dialect });
  }
  if (rules !== undefined) {
    const hidden = findHiddenReference(parsed.statements, parsed.tableList, sql, tokens, rules);
    if (hidden !== null) refuse(hidden, sql, { dialect });
  }
  return { parsed: true, tables: tableNames(parsed.tableList) };
}
