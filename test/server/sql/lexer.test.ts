import { describe, expect, it } from 'vitest';
import {
  type SqlToken,
  statementRanges,
  tokenizeSql,
  tokenText,
} from '../../../server/src/sql/lexer.js';

const kinds = (sql: string, dialect: 'mysql' | 'sqlite') =>
  tokenizeSql(sql, dialect)
    .filter((token) => token.kind !== 'space')
    .map((token: SqlToken) => [token.kind, tokenText(sql, token)]);

describe('tokenizeSql', () => {
  it('covers every character exactly once, so tokens splice back byte for byte', () => {
    const sql = "SELECT `a`, \"b\", 'c''d', N'e', x'4F', 1.5, @v, [z] -- 注释\n/* x */ FROM 表 # y";
    for (const dialect of ['mysql', 'sqlite'] as const) {
      const tokens = tokenizeSql(sql, dialect);
      expect(tokens.map((token) => tokenText(sql, token)).join('')).toBe(sql);
      tokens.forEach((token, i) => {
        expect(token.start).toBe(i === 0 ? 0 : tokens[i - 1]?.end);
      });
    }
  });

  it('reads MySQL quoting: backslash escapes, "…" strings, # comments, `-- ` only with a space', () => {
    expect(kinds("SELECT 'a\\'b', \"c\" # x", 'mysql')).toEqual([
      ['word', 'SELECT'],
      ['string', "'a\\'b'"],
      ['symbol', ','],
      ['string', '"c"'],
      ['comment', '# x'],
    ]);
    expect(kinds('SELECT 5--3', 'mysql')).toEqual([
      ['word', 'SELECT'],
      ['number', '5'],
      ['symbol', '-'],
      ['symbol', '-'],
      ['number', '3'],
    ]);
  });

  it('reads SQLite quoting: no backslash escapes, "…" and […] identifiers, every -- a comment', () => {
    expect(kinds('SELECT \'a\\\', "c", [d] --x', 'sqlite')).toEqual([
      ['word', 'SELECT'],
      ['string', "'a\\'"],
      ['symbol', ','],
      ['quoted_identifier', '"c"'],
      ['symbol', ','],
      ['quoted_identifier', '[d]'],
      ['comment', '--x'],
    ]);
  });

  it('keeps string prefixes with their literal and marks unterminated tokens', () => {
    const [prefixed] = tokenizeSql("_utf8mb4'x'", 'mysql');
    expect(prefixed).toMatchObject({ kind: 'string', start: 0, quoteStart: 8, end: 11 });
    const last = tokenizeSql("SELECT 'open", 'mysql').at(-1);
    expect(last).toMatchObject({ kind: 'string', terminated: false });
  });
});

describe('statementRanges', () => {
  it('splits at top-level semicolons only and ignores empty statements', () => {
    const sql = "SELECT ';' /* ; */; ; SELECT 2 -- ;\n;";
    const tokens = tokenizeSql(sql, 'mysql');
    const texts = statementRanges(tokens, sql).map(([from, to]) =>
      tokens
        .slice(from, to)
        .map((token) => tokenText(sql, token))
        .join('')
        .trim(),
    );
    expect(texts).toEqual(["SELECT ';' /* ; */", 'SELECT 2 -- ;']);
  });
});
