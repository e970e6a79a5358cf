import type { QuarryError } from '../errors.js';
import type { SqlDialect } from '../ports.js';
import type { AccessRules } from './accessRules.js';
import { type GuardPass, PARSED_PASSES, TOKEN_PASSES, UNPARSED_PASSES } from './guardPasses.js';
import { lexSql, type SqlText, tokenText } from './lexer.js';
import { parserWouldMisread } from './lexicalChecks.js';
import { type ParsedSql, parseSql, type SqlSyntaxProblem, syntaxProblem } from './parser.js';

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

/** The guard refused the SQL: the dry run raises this before the engine sees it. */
export interface GuardRefusal {
  refusal: QuarryError;
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

/**
 * The one parse of the SQL, or where the parser stopped. SQL whose quotes the parser would read
 * otherwise than the database counts as unread: its AST would not describe what runs.
 */
function readSql(text: SqlText): { parsed: ParsedSql } | { problem: SqlSyntaxProblem } {
  try {
    if (parserWouldMisread(text.sql, text.tokens, text.dialect))
      throw new Error('the parser would misread quotes');
    return { parsed: parseSql(text.sql, text.dialect) };
  } catch (error) {
    return { problem: syntaxProblem(error) };
  }
}

function firstRefusal<Subject>(
  passes: readonly GuardPass<Subject>[],
  subject: Subject,
): QuarryError | null {
  for (const pass of passes) {
    const refusal = pass(subject);
    if (refusal !== null) return refusal;
  }
  return null;
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
 * The guard's verdict on SQL already lexed, without throwing: the guard reads the token stream
 * the rewrite passes read, runs its passes (guardPasses.ts) in order on it and on its one
 * parse, and returns the first refusal. `reads` remembers statements judged before (see
 * ReadJudge).
 */
export function guardVerdict(
  text: SqlText,
  rules?: AccessRules,
  reads: ReadJudge = readJudge(),
): GuardVerdict | GuardRefusal {
  const subject = { text, rules, reads };
  const refusal = firstRefusal(TOKEN_PASSES, subject);
  if (refusal !== null) return { refusal };
  const reading = readSql(text);
  if ('problem' in reading) {
    const unparsed = firstRefusal(UNPARSED_PASSES, { ...subject, problem: reading.problem });
    return unparsed === null ? { parsed: false, tables: namesIn(text) } : { refusal: unparsed };
  }
  const parsed = firstRefusal(PARSED_PASSES, { ...subject, parsed: reading.parsed });
  return parsed === null
    ? { parsed: true, tables: tableNames(reading.parsed.tableList) }
    : { refusal: parsed };
}

/** guardVerdict, throwing its refusal (see assertReadOnlySql). */
export function judgeSql(
  text: SqlText,
  rules?: AccessRules,
  reads: ReadJudge = readJudge(),
): GuardVerdict {
  const verdict = guardVerdict(text, rules, reads);
  if ('refusal' in verdict) throw verdict.refusal;
  return verdict;
}
