import { isSignificant, type SqlToken, tokenizeSql, tokenText } from './lexer.js';

// SQLite names the token it could not resolve in this message when its legacy
// double-quoted-string fallback (SQLITE_DQS) is compiled out, as in better-sqlite3's build.
const UNRESOLVED_DOUBLE_QUOTED =
  /^no such column: "([\s\S]*)" - should this be a string literal in single-quotes\?$/;

/**
 * The text of the double-quoted token SQLite reports as naming no column, or null when the
 * message is about something else.
 */
export function unresolvedDoubleQuoted(message: string): string | null {
  return UNRESOLVED_DOUBLE_QUOTED.exec(message)?.[1] ?? null;
}

function isDot(sql: string, token: SqlToken | undefined): boolean {
  return token?.kind === 'symbol' && sql[token.start] === '.';
}

/**
 * Rewrites `"name"` as the string literal `'name'` wherever it stands on its own (not as part
 * of a qualified name such as `t."name"` or `"t".col`, not as an alias after AS): what
 * SQLite's legacy mode does with a double-quoted token that names no column in scope. Returns
 * null when no such token holds exactly `name`.
 */
export function doubleQuotedAsString(sql: string, name: string): string | null {
  const tokens = tokenizeSql(sql, 'sqlite');
  const significant = tokens.filter(isSignificant);
  const replaced: { start: number; end: number; text: string }[] = [];
  significant.forEach((token, index) => {
    if (token.kind !== 'quoted_identifier' || sql[token.start] !== '"') return;
    const inner = tokenText(sql, token).slice(1, -1).replaceAll('""', '"');
    if (inner !== name) return;
    const before = significant[index - 1];
    if (isDot(sql, before) || isDot(sql, significant[index + 1])) return;
    if (before?.kind === 'word' && tokenText(sql, before).toLowerCase() === 'as') return;
    replaced.push({ start: token.start, end: token.end, text: `'${inner.replaceAll("'", "''")}'` });
  });
  if (replaced.length === 0) return null;
  let out = '';
  let at = 0;
  for (const { start, end, text } of replaced) {
    out += sql.slice(at, start) + text;
    at = end;
  }
  return out + sql.slice(at);
}
