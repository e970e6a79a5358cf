import type { SqlDialect } from '../ports.js';
import { isSignificant, type SqlToken, tokenizeSql, tokenText } from './lexer.js';
import { readStringLiteral, writeStringLiteral } from './literals.js';

/** The two dictionaries an admin maintains: department and project abbreviations. */
export interface AbbreviationDictionaries {
  department: ReadonlyMap<string, string>;
  project: ReadonlyMap<string, string>;
}

// Only ASCII letters fold: abbreviations are Latin, and full Unicode folding would make
// e.g. 'ǅ' and 'ǆ' collide in ways an admin would not expect.
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function foldDictionary(dictionary: ReadonlyMap<string, string>): Map<string, string> {
  const folded = new Map<string, string>();
  for (const [abbreviation, fullName] of dictionary) {
    const key = asciiLower(abbreviation.trim());
    // The first entry wins, as an admin listing `RD` before `rd` would expect.
    if (key !== '' && !folded.has(key)) folded.set(key, fullName);
  }
  return folded;
}

/** Whether the literal at `index` is the pattern of a LIKE (`x LIKE '…'`, `x LIKE BINARY '…'`). */
function isLikePattern(sql: string, tokens: readonly SqlToken[], index: number): boolean {
  const previous: string[] = [];
  for (let i = index - 1; i >= 0 && previous.length < 2; i -= 1) {
    const token = tokens[i] as SqlToken;
    if (isSignificant(token)) previous.push(tokenText(sql, token).toUpperCase());
  }
  return previous[0] === 'LIKE' || (previous[0] === 'BINARY' && previous[1] === 'LIKE');
}

/** The new literal value, or null when the literal is not an abbreviation. */
function expandValue(value: string, like: boolean, folded: ReadonlyMap<string, string>) {
  const exact = folded.get(asciiLower(value.trim()));
  if (exact !== undefined) return exact;
  if (!like) return null;
  // Keep the wildcards around the core: '%RD%' -> '%研发中心%'.
  const match = /^(%*)\s*([\s\S]*?)\s*(%*)$/.exec(value);
  if (match === null || (match[1] === '' && match[3] === '')) return null;
  const fullName = folded.get(asciiLower(match[2] as string));
  return fullName === undefined ? null : `${match[1]}${fullName}${match[3]}`;
}

/**
 * One dictionary pass: every string literal whose trimmed text equals an abbreviation
 * (ASCII case-insensitive) becomes the full name, and so does the core of a LIKE pattern
 * ('%RD%', 'RD%', '%RD'). Identifiers and comments never change, and neither does any byte
 * outside the replaced literals, because users see this SQL.
 */
export function expandAbbreviations(
  sql: string,
  dictionary: ReadonlyMap<string, string>,
  dialect: SqlDialect,
): string {
  if (dictionary.size === 0) return sql;
  const tokens = tokenizeSql(sql, dialect);
  if (!tokens.some((token) => token.kind === 'string')) return sql;
  const folded = foldDictionary(dictionary);
  let result = '';
  let copied = 0;
  tokens.forEach((token, index) => {
    const literal = readStringLiteral(sql, token, dialect);
    if (literal === null) return;
    const expanded = expandValue(literal.value, isLikePattern(sql, tokens, index), folded);
    if (expanded === null) return;
    result +=
      sql.slice(copied, token.start) + writeStringLiteral({ ...literal, value: expanded }, dialect);
    copied = token.end;
  });
  return copied === 0 ? sql : result + sql.slice(copied);
}

/**
 * The seed's post-processing: the department pass, then the project pass on its output. A
 * department full name is therefore re-expanded only if it is itself a project abbreviation.
 */
export function expandDictionaryAbbreviations(
  sql: string,
  dictionaries: AbbreviationDictionaries,
  dialect: SqlDialect,
): string {
  const afterDepartments = expandAbbreviations(sql, dictionaries.department, dialect);
  return expandAbbreviations(afterDepartments, dictionaries.project, dialect);
}
