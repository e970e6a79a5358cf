import type { SemanticsUsed, SqlRewrite } from '@quarry/shared';
import type { QuarryError } from '../errors.js';
import type { SqlDialect } from '../ports.js';
import { type DictionaryRules, dictionaryPass } from './abbreviations.js';
import { extractCandidate } from './extract.js';
import {
  type AccessRules,
  type GuardRefusal,
  type GuardVerdict,
  guardVerdict,
  readJudge,
} from './guard.js';
import { lexSql, type SqlText } from './lexer.js';
import { type SemanticCatalog, semanticPass } from './semantics.js';

/**
 * What the passes and the guard need of one data source, loaded by the caller before the SQL
 * comes in. A pass whose input is absent does not run.
 */
export interface SqlContext {
  dialect: SqlDialect;
  /** Tables and columns admins hid, and the one schema SQL may name (MySQL). */
  rules: AccessRules;
  /**
   * SQLite: the SQL as the engine reads it, its legacy double-quoted strings spelled out as
   * literals (only the engine knows which names no column). Runs before the dictionaries, so
   * `"RD"` is a literal they can see.
   */
  engineReading?: (sql: string) => Promise<string>;
  /** The admins' dictionaries: abbreviations in string literals become full names. */
  dictionaries?: DictionaryRules;
  /** The data source's semantic layer: calculated fields and metrics written out. */
  semantics?: SemanticCatalog;
}

export type { GuardRefusal } from './guard.js';

/** One candidate SQL, finished: what will run, and why it differs from what came in. */
export interface PreparedSql {
  sql: string;
  /** The dictionary pass's rewrites, `before → after`; empty when it changed nothing. */
  rewrites: SqlRewrite[];
  /** Calculated fields and metrics of the semantic layer written out in `sql`. */
  semanticsUsed: SemanticsUsed;
  /** The guard's verdict on `sql`. */
  verdict: GuardVerdict | GuardRefusal;
}

/** Whether the guard refused the SQL; its refusal then. */
export function guardRefusal(prepared: PreparedSql): QuarryError | null {
  return 'refusal' in prepared.verdict ? prepared.verdict.refusal : null;
}

/** Lower-case names of the tables the prepared SQL reads ([] when the guard refused it). */
export function tablesRead(prepared: PreparedSql): string[] {
  return 'refusal' in prepared.verdict ? [] : prepared.verdict.tables;
}

function hasDoubleQuotedName(text: SqlText): boolean {
  return text.tokens.some(
    (token) => token.kind === 'quoted_identifier' && text.sql[token.start] === '"',
  );
}

/**
 * The one way into `sql/` for a candidate SQL: a model's answer (`answer`, extracted first,
 * refusing a stacked write whole) or SQL as written (`sql`: verified pairs, previews). It is
 * lexed once, then in order: SQLite's legacy strings as the engine reads them, the
 * dictionaries, the semantic layer, each pass reading the stream the one before handed on;
 * then the guard's parser layer gives its verdict on what will run. Null when an answer holds
 * no SQL. Never throws a refusal: the dry run raises it in its turn, after the SQL was shown,
 * and the engine's own verdict follows there (see pipeline/stages/dryRun.ts).
 */
export async function prepareSql(input: { sql: string }, context: SqlContext): Promise<PreparedSql>;
export async function prepareSql(
  input: { answer: string },
  context: SqlContext,
): Promise<PreparedSql | null>;
export async function prepareSql(
  input: { answer: string } | { sql: string },
  context: SqlContext,
): Promise<PreparedSql | null> {
  const { dialect } = context;
  const reads = readJudge();
  let text =
    'answer' in input ? extractCandidate(input.answer, dialect, reads) : lexSql(input.sql, dialect);
  if (text === null) return null;

  if (context.engineReading !== undefined && dialect === 'sqlite' && hasDoubleQuotedName(text)) {
    const read = await context.engineReading(text.sql);
    if (read !== text.sql) text = lexSql(read, dialect);
  }
  let rewrites: SqlRewrite[] = [];
  if (context.dictionaries !== undefined) {
    const rewritten = dictionaryPass(text, context.dictionaries);
    text = rewritten.text;
    rewrites = rewritten.rewrites.map(({ column, ...rewrite }) =>
      column === undefined ? rewrite : { ...rewrite, column },
    );
  }
  let semanticsUsed: SemanticsUsed = { calculated_fields: [], metrics: [] };
  if (context.semantics !== undefined) {
    const expanded = semanticPass(text, context.semantics);
    text = expanded.text;
    semanticsUsed = expanded.semanticsUsed;
  }
  return {
    sql: text.sql,
    rewrites,
    semanticsUsed,
    verdict: guardVerdict(text, context.rules, reads),
  };
}
