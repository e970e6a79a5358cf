import type { SqlDialect } from '../ports.js';
import type { AccessRules } from './accessRules.js';
import { isSignificant, type SqlToken, tokenText } from './lexer.js';
import { DENIED_FUNCTIONS, ONLY_SELECT } from './statementChecks.js';

/**
 * Rules for SQL that no grammar of node-sql-parser can read (SQLite's `==` beside Chinese
 * names, a table called SHOW, NATURAL JOIN …). Such SQL is not refused for that alone: these
 * checks read the database's own tokens, refuse whatever could be more than a plain read, and
 * leave the final word to the engine (SQLite's read-only verdict on the compiled statement,
 * MySQL's read-only transaction). They are deliberately stricter than the AST checks: a word
 * that could start a write anywhere in the text is enough to refuse.
 */

// Words that only appear in SQL as (parts of) statements other than a read. Reserved in MySQL
// and SQLite alike, so a bare occurrence is never a column name in SQL that runs.
const WRITE_WORDS = new Set([
  'insert',
  'update',
  'delete',
  'replace',
  'merge',
  'create',
  'drop',
  'alter',
  'truncate',
  'rename',
  'grant',
  'revoke',
  'attach',
  'detach',
  'pragma',
  'vacuum',
  'reindex',
  'call',
  'load',
  'lock',
  'unlock',
  'into',
  'outfile',
  'dumpfile',
  'handler',
  'prepare',
  'execute',
  'deallocate',
]);

// Words that only follow FOR in a locking read (FOR UPDATE is caught as a write word;
// FOR NO KEY UPDATE and FOR KEY SHARE are PostgreSQL's).
const LOCKING_AFTER_FOR = new Set(['share', 'update', 'no', 'key']);

// SQLite virtual tables over the raw database file: reading them bypasses every other rule.
export const DENIED_TABLES = new Set(['sqlite_dbpage', 'sqlite_dbdata', 'sqlite_dbptr']);

// SHOW forms that only describe the schema (as the AST checks allow them).
const SHOW_FORMS = [
  /^show\s+(?:full\s+)?(?:tables|columns|fields)\b/i,
  /^show\s+(?:index|indexes|keys)\b/i,
  /^show\s+table\s+status\b/i,
  /^show\s+create\s+(?:table|view)\b/i,
  /^show\s+databases\b/i,
];

function lowerWord(sql: string, token: SqlToken): string {
  return tokenText(sql, token).toLowerCase();
}

/** The name an identifier token stands for: quotes removed, doubled quotes undone. */
function identifierName(sql: string, token: SqlToken): string {
  const text = tokenText(sql, token);
  if (token.kind !== 'quoted_identifier') return text.toLowerCase();
  const close = text.at(-1) ?? '';
  return text.slice(1, -1).replaceAll(`${close}${close}`, close).toLowerCase();
}

function isSymbol(sql: string, token: SqlToken | undefined, symbol: string): boolean {
  return token?.kind === 'symbol' && sql.startsWith(symbol, token.start);
}

/** How the statement may begin: a query, or (MySQL) a schema-describing SHOW/DESCRIBE/EXPLAIN. */
function checkStart(sql: string, first: SqlToken, dialect: SqlDialect): string | null {
  if (isSymbol(sql, first, '(')) return null;
  const word = first.kind === 'word' ? lowerWord(sql, first) : '';
  if (word === 'select' || word === 'with' || word === 'values') return null;
  const rest = sql.slice(first.start);
  if (dialect === 'mysql') {
    if (word === 'show' && SHOW_FORMS.some((form) => form.test(rest))) return null;
    if (word === 'describe' || word === 'desc') return null;
    if (word === 'explain' && /^explain\s+(?:format\s*=\s*\w+\s+)?(?:select|with|\()/i.test(rest))
      return null;
  }
  const shown = tokenText(sql, first).slice(0, 40).toUpperCase();
  return `Only one read-only SELECT statement may run; this SQL starts with ${shown}.`;
}

/**
 * Why SQL that no grammar could read does not start as a read may, or null: a query, or
 * (MySQL) a schema-describing SHOW/DESCRIBE/EXPLAIN. `tokens` are the database's own tokens of
 * one statement (see lexer.ts).
 */
export function findNonReadStart(
  sql: string,
  tokens: readonly SqlToken[],
  dialect: SqlDialect,
): string | null {
  const first = tokens.find(isSignificant);
  if (first === undefined) return 'There is no SQL statement to run.';
  return checkStart(sql, first, dialect);
}

/**
 * Why a token of SQL that no grammar could read could be more than a plain read, or null when
 * none could (the engine then decides): the first, in the order of the text, of a write word,
 * `:=`, NEXT VALUE FOR, a locking FOR, a denied function or table, or a table or column
 * `rules` hide.
 */
export function findHazardousToken(
  sql: string,
  tokens: readonly SqlToken[],
  rules?: AccessRules,
): string | null {
  const significant = tokens.filter(isSignificant);
  const hiddenTables = new Set(
    (rules?.hiddenTables ?? []).map((name) => name.split('.').pop()?.trim().toLowerCase() ?? ''),
  );
  const hiddenColumns = new Map(
    (rules?.hiddenColumns ?? []).map((rule) => [rule.column.toLowerCase(), rule] as const),
  );
  for (let index = 0; index < significant.length; index += 1) {
    const token = significant[index] as SqlToken;
    const next = significant[index + 1];
    if (isSymbol(sql, token, ':') && isSymbol(sql, next, '=') && next?.start === token.end) {
      return `${ONLY_SELECT}; this SQL contains a variable assignment (:=).`;
    }
    if (token.kind !== 'word' && token.kind !== 'quoted_identifier') continue;
    const name = identifierName(sql, token);
    const calls = isSymbol(sql, next, '(');
    if (token.kind === 'word') {
      // REPLACE(…) and the like are functions; only the bare word starts a statement.
      if (WRITE_WORDS.has(name) && !calls)
        return `${ONLY_SELECT}; this SQL contains ${name.toUpperCase()}.`;
      // NEXT VALUE FOR seq advances a sequence (MariaDB): a write in a read's clothes.
      if (name === 'next' && next?.kind === 'word' && lowerWord(sql, next) === 'value') {
        return `${ONLY_SELECT}; this SQL contains NEXT VALUE FOR, which advances a sequence.`;
      }
      if (name === 'for' && next?.kind === 'word' && LOCKING_AFTER_FOR.has(lowerWord(sql, next))) {
        return `${ONLY_SELECT}; this SQL contains a locking read (FOR ${lowerWord(sql, next).toUpperCase()}).`;
      }
    }
    if (calls && DENIED_FUNCTIONS.has(name)) {
      return `${ONLY_SELECT}; this SQL contains the function ${name.toUpperCase()}.`;
    }
    if (DENIED_TABLES.has(name)) {
      return `This SQL reads ${name}, which exposes the raw database file, so it was not run.`;
    }
    if (hiddenTables.has(name)) {
      return `This SQL names the hidden table ${name}; it is not available to questions, so leave it out.`;
    }
    const column = hiddenColumns.get(name);
    if (column !== undefined) {
      return `This SQL names the hidden column ${column.table}.${column.column}; it is not available to questions, so leave it out.`;
    }
  }
  return null;
}
