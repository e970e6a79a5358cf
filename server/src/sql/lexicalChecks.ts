import type { SqlDialect } from '../ports.js';
import { type SqlToken, scanQuoted, tokenText } from './lexer.js';

/**
 * Where the parser and the database would read the same text differently, the AST the
 * guard inspects is not what runs. These checks find those spots in the database's own
 * tokenization (see lexer.ts) and return why the SQL is refused, or null.
 */
export function findLexicalHazard(
  sql: string,
  tokens: readonly SqlToken[],
  dialect: SqlDialect,
): string | null {
  for (const token of tokens) {
    const text = sql.slice(token.start, Math.min(token.end, token.start + 4));
    if (!token.terminated) {
      const what = token.kind === 'comment' ? 'comment' : token.kind.replace('_', ' ');
      return `This SQL has an unterminated ${what}, so it was not run.`;
    }
    if (token.kind === 'comment' && dialect === 'mysql') {
      // MySQL runs the text of /*! … */ and /*M! … */ as SQL; the parser skips it as a comment.
      if (text.startsWith('/*!') || /^\/\*M!/i.test(text)) {
        return 'This SQL contains a MySQL executable comment (/*! … */), whose text MySQL would run, so it was not run.';
      }
      // Optimizer hints can change session variables (SET_VAR) for the statement.
      if (text.startsWith('/*+')) {
        return 'This SQL contains an optimizer hint (/*+ … */); remove it and ask again.';
      }
    }
    if (token.kind === 'symbol' && dialect === 'mysql' && text.startsWith('-')) {
      if (sql[token.start + 1] === '-') {
        return 'This SQL contains "--" not followed by a space: MySQL reads it as two minus signs but the checker would read a comment, so it was not run. Write "- -" or "-- comment".';
      }
    }
    if (token.kind === 'symbol' && dialect === 'sqlite' && text.startsWith('#')) {
      return 'This SQL contains "#", which SQLite does not accept outside strings; remove it.';
    }
  }
  return null;
}

/**
 * PostgreSQL spellings whose reading by node-sql-parser is not assured to match the server's:
 * nested block comments, dollar quotes, backslashes in strings (escapes only in E'…'), U&'…'.
 */
function postgresOnlySpelling(sql: string, token: SqlToken): boolean {
  const text = tokenText(sql, token);
  if (token.kind === 'comment') return text.startsWith('/*') && text.indexOf('/*', 2) !== -1;
  if (token.kind !== 'string' && token.kind !== 'quoted_identifier') return false;
  return sql[token.quoteStart] === '$' || text.includes('\\') || /^u&/i.test(text);
}

/**
 * Whether node-sql-parser would read this SQL's tokens differently from the database, so that
 * its AST would not describe what runs: it reads backslash escapes inside SQLite quotes, which
 * SQLite does not (`'a\'` is a whole string there), and PostgreSQL has quoting and comments of
 * its own. Such SQL is judged on the database's own tokens and the engine's verdict instead, as
 * SQL no grammar can read is.
 */
export function parserWouldMisread(
  sql: string,
  tokens: readonly SqlToken[],
  dialect: SqlDialect,
): boolean {
  if (dialect === 'postgres') return tokens.some((token) => postgresOnlySpelling(sql, token));
  if (dialect !== 'sqlite') return false;
  return tokens.some(
    (token) =>
      (token.kind === 'string' || token.kind === 'quoted_identifier') &&
      sql.charCodeAt(token.quoteStart) !== 0x5b &&
      scanQuoted(sql, token.quoteStart, sql[token.quoteStart] as string, true).end !== token.end,
  );
}
