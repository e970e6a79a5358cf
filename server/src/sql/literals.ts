import type { SqlDialect } from '../ports.js';
import type { SqlToken } from './lexer.js';

/** A string literal token taken apart: prefix (N, _utf8mb4 …), quote character and decoded value. */
export interface StringLiteral {
  prefix: string;
  quote: string;
  value: string;
}

// MySQL's escape sequences (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html).
// `\%` and `\_` keep their backslash so LIKE patterns still see an escaped wildcard.
const MYSQL_ESCAPES: Record<string, string> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '%': '\\%',
  _: '\\_',
};

/** MySQL reads backslash escapes in every string; PostgreSQL (standard strings) only in E'…'. */
function backslashEscapes(prefix: string, dialect: SqlDialect): boolean {
  return dialect === 'mysql' || (dialect === 'postgres' && prefix.toUpperCase() === 'E');
}

/**
 * Decodes a terminated string-literal token; null for hex/bit literals and unterminated
 * strings, whose text is not a character value.
 */
export function readStringLiteral(
  sql: string,
  token: SqlToken,
  dialect: SqlDialect,
): StringLiteral | null {
  if (token.kind !== 'string' || !token.terminated) return null;
  const prefix = sql.slice(token.start, token.quoteStart);
  const upper = prefix.toUpperCase();
  if (upper === 'X' || upper === 'B' || upper === 'U&') return null;
  const quote = sql[token.quoteStart] as string;
  // A PostgreSQL dollar quote ($$…$$, $tag$…$tag$) is kept as written.
  if (quote === '$') return null;
  const body = sql.slice(token.quoteStart + 1, token.end - 1);
  const escapes = backslashEscapes(prefix, dialect);
  let value = '';
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i] as string;
    if (ch === '\\' && escapes && i + 1 < body.length) {
      const escaped = body[i + 1] as string;
      value += MYSQL_ESCAPES[escaped] ?? escaped;
      i += 1;
    } else if (ch === quote && body[i + 1] === quote) {
      value += quote;
      i += 1;
    } else {
      value += ch;
    }
  }
  return { prefix, quote, value };
}

/**
 * Writes `value` as a literal with the given prefix and quote, escaped for `dialect`.
 * Quotes are doubled rather than backslash-escaped so the literal reads the same with
 * MySQL's NO_BACKSLASH_ESCAPES; backslashes are doubled on MySQL because by default it
 * treats them as escapes.
 */
export function writeStringLiteral(literal: StringLiteral, dialect: SqlDialect): string {
  const { prefix, quote, value } = literal;
  const slashed = backslashEscapes(prefix, dialect) ? value.replaceAll('\\', '\\\\') : value;
  return `${prefix}${quote}${slashed.replaceAll(quote, quote + quote)}${quote}`;
}
