import { isSignificant, type SqlToken, statementRanges, tokenizeSql, tokenText } from './lexer.js';

/**
 * The statements in a block of SQL of unknown dialect, each trimmed to its first and last
 * significant token (leading and trailing comments dropped, inner ones kept), in order.
 */
export function sqlStatementsIn(text: string): string[] {
  const tokens = tokenizeSql(text, 'any');
  return statementRanges(tokens, text).map(([from, to]) => {
    const inRange = tokens.slice(from, to).filter(isSignificant);
    const first = inRange[0] as SqlToken;
    const last = inRange[inRange.length - 1] as SqlToken;
    return text.slice(first.start, last.end);
  });
}

// Line starts that continue a statement. Capitalised words ("From the table…", "Or you
// could…") are English; SQL keywords are written all upper or all lower case.
const CLAUSE_KEYWORDS = new Set(
  'FROM WHERE GROUP ORDER HAVING LIMIT OFFSET JOIN LEFT RIGHT INNER OUTER FULL CROSS NATURAL STRAIGHT_JOIN ON USING AND OR XOR NOT UNION INTERSECT EXCEPT MINUS SELECT WITH WHEN THEN ELSE END CASE AS WINDOW PARTITION ROWS RANGE FETCH FOR LATERAL IN IS LIKE BETWEEN EXISTS DESC ASC OVER COLLATE DISTINCT ALL'.split(
    ' ',
  ),
);

// A previous token after which the statement cannot have ended.
const OPEN_ENDED = new Set([
  ...'SELECT FROM WHERE AND OR XOR NOT ON BY JOIN AS WHEN THEN ELSE IN LIKE BETWEEN UNION ALL DISTINCT HAVING WITH RECURSIVE CASE IS OVER PARTITION LIMIT OFFSET EXISTS USING INTERSECT EXCEPT'.split(
    ' ',
  ),
  ...', ( = < > + - * / % | & ^ !'.split(' '),
]);

function isKeywordLine(line: string): boolean {
  const word = /^[A-Za-z_]+/.exec(line)?.[0];
  if (word === undefined) return false;
  const cased = word === word.toUpperCase() || word === word.toLowerCase();
  return cased && CLAUSE_KEYWORDS.has(word.toUpperCase());
}

function startsWithSqlSymbol(line: string): boolean {
  if (/^(?:--|\/\*)/.test(line)) return true;
  // "- item", "* item" and "1. item" are Markdown lists, not SQL.
  if (/^(?:[-*+]\s|\d+[.)]\s)/.test(line)) return false;
  return /^[(),'"`=<>+\-*/|%\d]/.test(line);
}

function continuesStatement(
  previous: string,
  line: string,
  depth: number,
  indented: boolean,
  afterBlankLine: boolean,
): boolean {
  const trimmed = line.trim();
  if (/^(?:```|~~~|\*\*|#{1,6}\s)/.test(trimmed)) return false;
  const sentence = /[.!?。！？:：]$/.test(trimmed) && !/[(),=<>*'"`]/.test(trimmed);
  if (sentence) return false;
  if (depth > 0 || OPEN_ENDED.has(previous.toUpperCase()) || isKeywordLine(trimmed)) return true;
  if (afterBlankLine) return false;
  return indented || startsWithSqlSymbol(trimmed);
}

/**
 * Offset just past the first statement at the start of `text`: before its first top-level
 * semicolon and trailing comments. With `prose`, it also ends where a following line reads
 * as text rather than SQL (an explanation, a Markdown list or heading), judged by how the
 * line starts, how the previous line ended and whether parentheses are still open.
 */
export function findStatementEnd(text: string, prose: boolean): number {
  const tokens = tokenizeSql(text, 'any');
  let depth = 0;
  let end = 0;
  let previous = '';
  for (const token of tokens) {
    const raw = tokenText(text, token);
    if (token.kind === 'symbol' && raw === ';') break;
    if (prose && token.kind === 'space' && raw.includes('\n') && end > 0) {
      const lineEnd = text.indexOf('\n', token.end);
      const line = text.slice(token.end, lineEnd === -1 ? text.length : lineEnd);
      const newlines = raw.split('\n').length - 1;
      const indented = !raw.endsWith('\n');
      if (!continuesStatement(previous, line, depth, indented, newlines > 1)) break;
    }
    if (!isSignificant(token)) continue;
    if (raw === '(') depth += 1;
    if (raw === ')') depth = Math.max(0, depth - 1);
    end = token.end;
    previous = raw;
  }
  return end;
}
