import { QuarryError } from '../errors.js';
import { type AccessRules, findHiddenReference } from './accessRules.js';
import type { ReadJudge } from './guard.js';
import {
  isSignificant,
  type SqlText,
  type SqlToken,
  statementRanges,
  statementText,
  tokenText,
} from './lexer.js';
import { findLexicalHazard } from './lexicalChecks.js';
import { type AstRecord, asRecord, type ParsedSql, type SqlSyntaxProblem } from './parser.js';
import { findForeignSchema, findForeignSchemaToken } from './schemaScope.js';
import {
  checkStatementKind,
  findUnsafeConstruct,
  ONLY_SELECT,
  type Refusal,
} from './statementChecks.js';
import { DENIED_TABLES, findHazardousToken, findNonReadStart } from './unparsedChecks.js';

/**
 * The guard's checks, each a pass with one job over what the guard already holds of one
 * candidate SQL: its one token stream, then either its one parse or, where no grammar read
 * it, where the parser stopped. Nothing here lexes or parses again. The guard runs the
 * passes of a list in order and stops at the first refusal, so a rule is added by adding a
 * pass; a pass may count on those before it (the parsed passes after `oneParsedStatement`
 * read the one statement).
 */

/** What every pass reads: the candidate's token stream and the data source's rules. */
export interface GuardSubject {
  readonly text: SqlText;
  readonly rules: AccessRules | undefined;
  /** Verdicts already given on single statements of this candidate (see ReadJudge). */
  readonly reads: ReadJudge;
}

/** The subject once a grammar has read it. */
export interface ParsedSubject extends GuardSubject {
  readonly parsed: ParsedSql;
}

/** The subject when no grammar could read it as the database does: where the parser stopped. */
export interface UnparsedSubject extends GuardSubject {
  readonly problem: SqlSyntaxProblem;
}

/** One check: its refusal of the subject (an UNSAFE_SQL error), or null when it passes. */
export type GuardPass<Subject> = (subject: Subject) => QuarryError | null;

/** On the token stream, before any parse. */
export const TOKEN_PASSES: readonly GuardPass<GuardSubject>[] = [noLexicalHazard, oneStatement];

/** On the parse, when a grammar read the SQL as the database does. */
export const PARSED_PASSES: readonly GuardPass<ParsedSubject>[] = [
  oneParsedStatement,
  readStatementKind,
  noUnsafeConstruct,
  onlyReadActions,
  noRawFileTable,
  ownSchemaOnly,
  noHiddenReference,
];

/**
 * On the tokens again when no grammar read the SQL: stricter than the parsed passes, and the
 * engine's own verdict must follow (see unparsedChecks.ts).
 */
export const UNPARSED_PASSES: readonly GuardPass<UnparsedSubject>[] = [
  startsAsRead,
  ownSchemaOnlyByTokens,
  noHazardousToken,
];

function unsafe(message: string, text: SqlText, context: Record<string, unknown> = {}) {
  return new QuarryError('UNSAFE_SQL', message, { context: { ...context, sql: text.sql } });
}

function refusalMessage(refusal: Refusal): string {
  return `${ONLY_SELECT}; this SQL contains ${refusal.what}.`;
}

/** Nowhere the parser and the database would read the text differently (lexicalChecks.ts). */
function noLexicalHazard({ text }: GuardSubject): QuarryError | null {
  const hazard = findLexicalHazard(text.sql, text.tokens, text.dialect);
  return hazard === null ? null : unsafe(hazard, text, { dialect: text.dialect });
}

/** Exactly one statement; several are refused whole, naming the first that is not a read. */
function oneStatement({ text, reads }: GuardSubject): QuarryError | null {
  const ranges = statementRanges(text.tokens, text.sql);
  if (ranges.length === 0) return unsafe('There is no SQL statement to run.', text);
  return ranges.length > 1 ? stackedRefusal(text, ranges, reads) : null;
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

// A write stacked behind a SELECT is a red flag (prompt injection, a confused model): the
// whole answer is refused rather than cut down to its read.
function stackedRefusal(
  text: SqlText,
  ranges: readonly [number, number][],
  reads: ReadJudge,
): QuarryError {
  const count = ranges.length;
  for (const [index, range] of ranges.entries()) {
    const statement = statementText(text, range);
    const refusal = reads(statement);
    if (refusal !== null) {
      return unsafe(
        `Only one read-only statement may run, and this SQL holds more than one statement: statement ${index + 1} of ${count} (${statementHead(statement.sql, statement.tokens)}) is not a read, so none of them was run.`,
        text,
        { dialect: text.dialect, cause: refusal.message },
      );
    }
  }
  return unsafe(
    `Only one statement may run, and this SQL holds more than one statement (${count} reads); send them one at a time.`,
    text,
    { dialect: text.dialect },
  );
}

/** The grammar, too, read one statement. */
function oneParsedStatement({ text, parsed }: ParsedSubject): QuarryError | null {
  const count = parsed.statements.length;
  return count === 1
    ? null
    : unsafe(`${ONLY_SELECT}; this SQL contains ${count} statements.`, text);
}

const theStatement = (parsed: ParsedSql) => parsed.statements[0] as AstRecord;

/** A SELECT, or on MySQL a schema-describing SHOW, DESCRIBE or EXPLAIN SELECT. */
function readStatementKind({ text, parsed }: ParsedSubject): QuarryError | null {
  const refusal = checkStatementKind(theStatement(parsed), text.dialect);
  return refusal === null ? null : unsafe(refusalMessage(refusal), text, { dialect: text.dialect });
}

// SHOW and DESCRIBE hold only table names; EXPLAIN wraps the SELECT to inspect.
function inspectedRoot(statement: AstRecord): AstRecord | null {
  const type = statement.type;
  if (type === 'show' || type === 'desc') return null;
  if (type === 'explain') return asRecord(statement.expr);
  return statement;
}

/** Nowhere in the tree a write, SELECT … INTO, a locking read, := or a denied function. */
function noUnsafeConstruct({ text, parsed }: ParsedSubject): QuarryError | null {
  const root = inspectedRoot(theStatement(parsed));
  const refusal = root === null ? null : findUnsafeConstruct(root);
  return refusal === null ? null : unsafe(refusalMessage(refusal), text, { dialect: text.dialect });
}

/**
 * Every table the parser lists is read: it names each as `action::db::table`, and any action
 * other than a read means a write slipped into some corner of the tree.
 */
function onlyReadActions({ text, parsed }: ParsedSubject): QuarryError | null {
  for (const entry of parsed.tableList) {
    const action = entry.split('::')[0]?.toLowerCase() ?? '';
    if (action !== 'select' && action !== 'show') {
      return unsafe(`${ONLY_SELECT}; this SQL contains ${action.toUpperCase()}.`, text, {
        dialect: text.dialect,
      });
    }
  }
  return null;
}

/** No SQLite virtual table over the raw database file. */
function noRawFileTable({ text, parsed }: ParsedSubject): QuarryError | null {
  for (const entry of parsed.tableList) {
    const table = entry.split('::')[2]?.toLowerCase() ?? '';
    if (DENIED_TABLES.has(table)) {
      return unsafe(
        `This SQL reads ${table}, which exposes the raw database file, so it was not run.`,
        text,
      );
    }
  }
  return null;
}

/** MySQL: nothing outside the one database questions read (schemaScope.ts). */
function ownSchemaOnly({ text, rules, parsed }: ParsedSubject): QuarryError | null {
  if (text.dialect !== 'mysql' || rules?.schema === undefined) return null;
  const foreign = findForeignSchema(parsed.statements, parsed.tableList, rules.schema);
  return foreign === null ? null : unsafe(foreign, text, { dialect: text.dialect });
}

/** No table or column an admin hid (accessRules.ts). */
function noHiddenReference({ text, rules, parsed }: ParsedSubject): QuarryError | null {
  if (rules === undefined) return null;
  const hidden = findHiddenReference(
    parsed.statements,
    parsed.tableList,
    text.sql,
    text.tokens,
    rules,
  );
  return hidden === null ? null : unsafe(hidden, text, { dialect: text.dialect });
}

// Refusals of SQL no grammar read say where the parser stopped.
function unparsedRefusal(message: string, { text, problem }: UnparsedSubject): QuarryError {
  return unsafe(message, text, { dialect: text.dialect, parser: problem });
}

/** Begins as a query, or on MySQL a schema-describing SHOW, DESCRIBE or EXPLAIN. */
function startsAsRead(subject: UnparsedSubject): QuarryError | null {
  const { sql, tokens, dialect } = subject.text;
  const refusal = findNonReadStart(sql, tokens, dialect);
  return refusal === null ? null : unparsedRefusal(refusal, subject);
}

/** MySQL: no dotted name outside the one database questions read. */
function ownSchemaOnlyByTokens(subject: UnparsedSubject): QuarryError | null {
  const { text, rules } = subject;
  if (text.dialect !== 'mysql' || rules?.schema === undefined) return null;
  const foreign = findForeignSchemaToken(text.sql, text.tokens, rules.schema);
  return foreign === null ? null : unparsedRefusal(foreign, subject);
}

/** No token that could be more than a read, nor one naming what an admin hid. */
function noHazardousToken(subject: UnparsedSubject): QuarryError | null {
  const { text, rules } = subject;
  const refusal = findHazardousToken(text.sql, text.tokens, rules);
  return refusal === null ? null : unparsedRefusal(refusal, subject);
}
