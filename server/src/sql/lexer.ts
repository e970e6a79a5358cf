import type { SqlDialect } from '../ports.js';

/**
 * What a stretch of SQL text is. `word` covers keywords and bare identifiers alike: telling
 * them apart needs grammar, and the callers here only need to know where literals, quoted
 * identifiers and comments begin and end.
 */
export type SqlTokenKind =
  | 'space'
  | 'comment'
  | 'string'
  | 'quoted_identifier'
  | 'word'
  | 'number'
  | 'variable'
  | 'symbol';

/** One token; `start`/`end` are UTF-16 offsets into the SQL, end exclusive. */
export interface SqlToken {
  kind: SqlTokenKind;
  start: number;
  end: number;
  /** False when a string, quoted identifier or block comment runs to the end of the SQL. */
  terminated: boolean;
  /** Strings and quoted identifiers: offset of the opening quote (after any prefix such as N or X). */
  quoteStart: number;
}

const SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

function isWordChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f ||
    code === 0x24 ||
    // MySQL and SQLite both accept U+0080 and above in unquoted identifiers (Chinese names).
    code >= 0x80
  );
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

const NUMBER_SHAPE = /^(?:\d+\.?\d*(?:e\d*)?|\.\d+(?:e\d*)?|0x[0-9a-f]*|0b[01]*)$/i;

/**
 * Offset just past a quoted run that opened at `open`. `backslash` makes `\x` an escape
 * (MySQL strings); a doubled quote is an escape everywhere.
 */
export function scanQuoted(
  sql: string,
  open: number,
  close: string,
  backslash: boolean,
): { end: number; terminated: boolean } {
  let i = open + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslash && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === close) {
      if (sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return { end: i + 1, terminated: true };
    }
    i += 1;
  }
  return { end: sql.length, terminated: false };
}

/** Whether `prefix` written right before a quote makes it one string literal in `dialect`. */
function isStringPrefix(prefix: string, dialect: SqlDialect | 'any'): boolean {
  const upper = prefix.toUpperCase();
  if (upper === 'X') return true;
  if (dialect === 'sqlite') return false;
  if (dialect === 'postgres') return upper === 'N' || upper === 'B' || upper === 'E';
  return upper === 'N' || upper === 'B' || prefix.startsWith('_');
}

/** Offset just past a PostgreSQL block comment opened at `open`: they nest. */
function scanNestedComment(sql: string, open: number): { end: number; terminated: boolean } {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return { end: i, terminated: true };
    } else {
      i += 1;
    }
  }
  return { end: sql.length, terminated: false };
}

// `$$` or `$tag$` (a tag is an identifier without `$`) opens a PostgreSQL dollar-quoted string.
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** The PostgreSQL dollar quote opening at `open`, or null when `$` starts no string there. */
function scanDollarQuoted(sql: string, open: number): { end: number; terminated: boolean } | null {
  DOLLAR_TAG.lastIndex = open;
  const tag = DOLLAR_TAG.exec(sql)?.[0];
  if (tag === undefined) return null;
  const close = sql.indexOf(tag, open + tag.length);
  return close === -1
    ? { end: sql.length, terminated: false }
    : { end: close + tag.length, terminated: true };
}

/**
 * Splits SQL into tokens the way the database itself reads it: MySQL/MariaDB (default
 * sql_mode: backslash escapes, "…" is a string, `#` and `-- ` comments, `--x` is two minus
 * signs), SQLite ("…" and […] are identifiers, no backslash escapes, `--` always a comment) or
 * PostgreSQL (standard_conforming_strings on, which Quarry's sessions set: backslashes escape
 * only in E'…'; "…" identifiers; `$tag$…$tag$` strings; block comments nest; `#` and `@` are
 * operators). Every character belongs to exactly one token, so tokens can be spliced back
 * byte for byte.
 */
export function tokenizeSql(sql: string, dialect: SqlDialect | 'any'): SqlToken[] {
  const tokens: SqlToken[] = [];
  // 'any' reads text of unknown dialect (model output): MySQL's quoting, which is the more
  // permissive about strings, with every `--` a comment as most dialects have it.
  const postgres = dialect === 'postgres';
  const mysql = dialect !== 'sqlite' && !postgres;
  const strictDashes = dialect === 'mysql';
  const push = (kind: SqlTokenKind, start: number, end: number, terminated = true, quote = start) =>
    tokens.push({ kind, start, end, terminated, quoteStart: quote });
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const code = sql.charCodeAt(i);
    const next = sql[i + 1];
    const dollar = postgres && ch === '$' ? scanDollarQuoted(sql, i) : null;
    if (dollar !== null) {
      push('string', i, dollar.end, dollar.terminated);
      i = dollar.end;
    } else if (postgres && ch === '/' && next === '*') {
      const { end, terminated } = scanNestedComment(sql, i);
      push('comment', i, end, terminated);
      i = end;
    } else if (
      postgres &&
      (ch === 'U' || ch === 'u') &&
      next === '&' &&
      /['"]/.test(sql[i + 2] ?? '')
    ) {
      // U&'…' and U&"…": Unicode escapes, but quotes still double and backslashes never hide one.
      const quote = sql[i + 2] as string;
      const { end, terminated } = scanQuoted(sql, i + 2, quote, false);
      push(quote === "'" ? 'string' : 'quoted_identifier', i, end, terminated, i + 2);
      i = end;
    } else if (postgres && (ch === '`' || ch === '#' || ch === '@')) {
      push('symbol', i, i + 1);
      i += 1;
    } else if (SPACE.has(ch)) {
      let j = i + 1;
      while (j < sql.length && SPACE.has(sql[j] as string)) j += 1;
      push('space', i, j);
      i = j;
    } else if (
      (ch === '#' && mysql) ||
      (ch === '-' &&
        next === '-' &&
        // MySQL only starts a comment when `--` is followed by whitespace or a control character.
        (!strictDashes || i + 2 >= sql.length || sql.charCodeAt(i + 2) <= 0x20))
    ) {
      const newline = sql.indexOf('\n', i);
      const end = newline === -1 ? sql.length : newline;
      push('comment', i, end);
      i = end;
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      const end = close === -1 ? sql.length : close + 2;
      push('comment', i, end, close !== -1);
      i = end;
    } else if (ch === "'" || (ch === '"' && mysql)) {
      const { end, terminated } = scanQuoted(sql, i, ch, mysql);
      push('string', i, end, terminated);
      i = end;
    } else if (ch === '"' || ch === '`') {
      const { end, terminated } = scanQuoted(sql, i, ch, false);
      push('quoted_identifier', i, end, terminated);
      i = end;
    } else if (ch === '[' && dialect === 'sqlite') {
      const close = sql.indexOf(']', i + 1);
      const end = close === -1 ? sql.length : close + 1;
      push('quoted_identifier', i, end, close !== -1);
      i = end;
    } else if (
      ch === '@' &&
      next !== undefined &&
      (next === '@' || isWordChar(next.charCodeAt(0)))
    ) {
      let j = i + 1;
      while (j < sql.length && (sql[j] === '@' || sql[j] === '.' || isWordChar(sql.charCodeAt(j))))
        j += 1;
      push('variable', i, j);
      i = j;
    } else if (
      isWordChar(code) ||
      (ch === '.' && next !== undefined && isDigit(next.charCodeAt(0)))
    ) {
      let j = i + 1;
      while (
        j < sql.length &&
        (isWordChar(sql.charCodeAt(j)) ||
          (sql[j] === '.' && isDigit(code) && isDigit(sql.charCodeAt(j + 1) || 0)))
      )
        j += 1;
      const text = sql.slice(i, j);
      if (sql[j] === "'" && isStringPrefix(text, dialect)) {
        const escapes = mysql || (postgres && text.toUpperCase() === 'E');
        const { end, terminated } = scanQuoted(sql, j, "'", escapes);
        push('string', i, end, terminated, j);
        i = end;
      } else {
        push(NUMBER_SHAPE.test(text) ? 'number' : 'word', i, j);
        i = j;
      }
    } else {
      // Keep surrogate pairs together so a token never splits a character.
      const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
      push('symbol', i, i + width);
      i += width;
    }
  }
  return tokens;
}

/** Whether a token carries meaning (not whitespace or a comment). */
export function isSignificant(token: SqlToken): boolean {
  return token.kind !== 'space' && token.kind !== 'comment';
}

/** The token's text. */
export function tokenText(sql: string, token: SqlToken): string {
  return sql.slice(token.start, token.end);
}

/**
 * The statements in `tokens`, split at top-level semicolons, each as a [start, end) range of
 * token indexes that holds at least one significant token. Semicolons inside strings and
 * comments are already inside those tokens, so they never split.
 */
export function statementRanges(tokens: readonly SqlToken[], sql: string): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let significant = false;
  tokens.forEach((token, index) => {
    if (token.kind === 'symbol' && sql[token.start] === ';') {
      if (significant) ranges.push([start, index]);
      start = index + 1;
      significant = false;
    } else if (isSignificant(token)) {
      significant = true;
    }
  });
  if (significant) ranges.push([start, tokens.length]);
  return ranges;
}

/**
 * SQL with its tokens, lexed once: every pass and the guard read this one stream, and a pass
 * that changes the text hands on a new one.
 */
export interface SqlText {
  readonly sql: string;
  readonly dialect: SqlDialect;
  readonly tokens: readonly SqlToken[];
}

/** Lexes `sql` once for everything downstream (see SqlText). */
export function lexSql(sql: string, dialect: SqlDialect): SqlText {
  return { sql, dialect, tokens: tokenizeSql(sql, dialect) };
}

/**
 * One statement of `text` (a range from statementRanges) as text of its own: its tokens are
 * those of the whole, moved to the statement's offsets, not lexed again.
 */
export function statementText(text: SqlText, [from, to]: readonly [number, number]): SqlText {
  const own = text.tokens.slice(from, to);
  const start = own[0]?.start ?? 0;
  return {
    sql: text.sql.slice(start, own.at(-1)?.end ?? 0),
    dialect: text.dialect,
    tokens: own.map((token) => ({
      ...token,
      start: token.start - start,
      end: token.end - start,
      quoteStart: token.quoteStart - start,
    })),
  };
}
