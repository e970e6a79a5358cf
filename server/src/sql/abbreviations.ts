import type { SqlDialect } from '../ports.js';
import {
  isSignificant,
  lexSql,
  type SqlText,
  type SqlToken,
  tokenizeSql,
  tokenText,
} from './lexer.js';
import { readStringLiteral, writeStringLiteral } from './literals.js';

/** The two dictionaries an admin maintains: department and project abbreviations. */
export interface AbbreviationDictionaries {
  department: ReadonlyMap<string, string>;
  project: ReadonlyMap<string, string>;
}

/**
 * One dictionary entry as the rewrite applies it. With `columns` (`table.column`, any case),
 * only literals compared with one of those columns are rewritten; without, every literal.
 */
export interface DictionaryRule {
  abbreviation: string;
  fullName: string;
  columns?: readonly string[];
}

export interface DictionaryRules {
  department: readonly DictionaryRule[];
  project: readonly DictionaryRule[];
}

/** One literal the dictionaries changed, as users see it: `RD → 研发中心`. */
export interface DictionaryRewrite {
  before: string;
  after: string;
  dictionary: 'department' | 'project';
  /** The column the literal is compared with, when the entry is scoped to columns. */
  column?: string;
}

/** What the dictionary pass hands on: the SQL to run and what it rewrote. */
export interface RewriteResult {
  sql: string;
  rewrites: DictionaryRewrite[];
}

// Only ASCII letters fold: abbreviations are Latin, and full Unicode folding would make
// e.g. 'ǅ' and 'ǆ' collide in ways an admin would not expect.
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

interface FoldedRule {
  fullName: string;
  /** Lower-case `table.column` names; empty: every literal. */
  columns: { table: string; column: string }[];
}

function foldRules(rules: readonly DictionaryRule[]): Map<string, FoldedRule> {
  const folded = new Map<string, FoldedRule>();
  for (const rule of rules) {
    const key = asciiLower(rule.abbreviation.trim());
    // The first entry wins, as an admin listing `RD` before `rd` would expect.
    if (key === '' || folded.has(key)) continue;
    const columns = (rule.columns ?? []).flatMap((name) => {
      const [table, column] = name.toLowerCase().split('.');
      return table && column ? [{ table, column }] : [];
    });
    folded.set(key, { fullName: rule.fullName, columns });
  }
  return folded;
}

/** Significant tokens with their text, for looking around a literal. */
interface Token {
  token: SqlToken;
  text: string;
  upper: string;
}

function significantTokens(sql: string, tokens: readonly SqlToken[]): Token[] {
  return tokens.filter(isSignificant).map((token) => {
    const text = tokenText(sql, token);
    return { token, text, upper: text.toUpperCase() };
  });
}

/** An identifier's name: quotes removed, lower-case (SQL compares them case-insensitively). */
function identifierName(token: Token | undefined): string | null {
  if (!token) return null;
  if (token.token.kind === 'word') return token.text.toLowerCase();
  if (token.token.kind === 'quoted_identifier') return token.text.slice(1, -1).toLowerCase();
  return null;
}

const NOT_AN_ALIAS = new Set([
  'WHERE',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'OUTER',
  'NATURAL',
  'ON',
  'USING',
  'GROUP',
  'ORDER',
  'HAVING',
  'LIMIT',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'WINDOW',
  'OFFSET',
  'AS',
  'STRAIGHT_JOIN',
  'FOR',
  'LOCK',
  'INTO',
]);

/** Alias (or table name) → table name, over the whole statement's FROM and JOIN clauses. */
function tableAliases(significant: readonly Token[]): Map<string, string> {
  const aliases = new Map<string, string>();
  significant.forEach((entry, index) => {
    const introduces =
      entry.upper === 'FROM' ||
      entry.upper === 'JOIN' ||
      entry.upper === 'STRAIGHT_JOIN' ||
      // FROM a x, b y: the comma continues the table list until the next clause.
      (entry.text === ',' && inFromList(significant, index));
    if (!introduces) return;
    let at = index + 1;
    let table = identifierName(significant[at]);
    if (table === null) return;
    // db.table: the table is the last part.
    while (significant[at + 1]?.text === '.' && identifierName(significant[at + 2]) !== null) {
      at += 2;
      table = identifierName(significant[at]) as string;
    }
    aliases.set(table, table);
    let next = significant[at + 1];
    if (next?.upper === 'AS') next = significant[at + 2];
    const alias = identifierName(next);
    if (alias !== null && next && !NOT_AN_ALIAS.has(next.upper)) aliases.set(alias, table);
  });
  return aliases;
}

/** Whether the comma at `index` separates tables of a FROM list (not select items or args). */
function inFromList(significant: readonly Token[], index: number): boolean {
  let depth = 0;
  for (let i = index - 1; i >= 0; i -= 1) {
    const text = (significant[i] as Token).text;
    if (text === ')') depth += 1;
    else if (text === '(') {
      if (depth === 0) return false;
      depth -= 1;
    } else if (depth === 0) {
      const upper = (significant[i] as Token).upper;
      if (upper === 'FROM') return true;
      if (upper === 'SELECT' || upper === 'WHERE' || upper === 'ON' || upper === 'JOIN')
        return false;
    }
  }
  return false;
}

interface ColumnReference {
  qualifier: string | null;
  column: string;
}

/** The column reference ending at `index` (`col`, `t.col`, `"t"."col"`), or null. */
function columnEndingAt(significant: readonly Token[], index: number): ColumnReference | null {
  if (significant[index - 1]?.text === '.') return columnStartingAt(significant, index - 2);
  const column = identifierName(significant[index]);
  return column === null ? null : { qualifier: null, column };
}

/** The column reference starting at `index`, for `'RD' = d.name`. */
function columnStartingAt(significant: readonly Token[], index: number): ColumnReference | null {
  const first = identifierName(significant[index]);
  if (first === null) return null;
  if (significant[index + 1]?.text === '.') {
    const column = identifierName(significant[index + 2]);
    return column === null ? null : { qualifier: first, column };
  }
  return { qualifier: null, column: first };
}

/**
 * The column the literal at `index` is compared with through `=`, `<>`, `!=`, `LIKE` (also
 * `NOT LIKE`, `LIKE BINARY`) or an `IN (…)` list, or null when it is compared with none.
 */
function comparedColumn(significant: readonly Token[], index: number) {
  let before = index - 1;
  if (significant[before]?.upper === 'BINARY') before -= 1;
  const operandEnd = comparisonOperandEnd(significant, before);
  if (operandEnd !== null) return columnEndingAt(significant, operandEnd);
  // An IN list: walk back over `'a', 'b',` to the opening parenthesis.
  let at = index - 1;
  while (significant[at]?.text === ',' && significant[at - 1]?.token.kind === 'string') at -= 2;
  if (significant[at]?.text === '(' && significant[at - 1]?.upper === 'IN') {
    let operand = at - 2;
    if (significant[operand]?.upper === 'NOT') operand -= 1;
    return columnEndingAt(significant, operand);
  }
  // The literal first: 'RD' = d.name.
  const operatorLength = comparisonAfter(significant, index + 1);
  return operatorLength === 0 ? null : columnStartingAt(significant, index + 1 + operatorLength);
}

/**
 * Where the operand before a comparison ending at `at` ends (`=`, `<>`, `!=`, `LIKE`,
 * `NOT LIKE`; the lexer gives `<>` and `!=` as two symbols), or null when there is none.
 */
function comparisonOperandEnd(significant: readonly Token[], at: number): number | null {
  const last = significant[at]?.text;
  const previous = significant[at - 1]?.text;
  if (significant[at]?.upper === 'LIKE')
    return significant[at - 1]?.upper === 'NOT' ? at - 2 : at - 1;
  if (last === '=')
    return previous === '!' ? at - 2 : previous === '<' || previous === '>' ? null : at - 1;
  if (last === '>' && previous === '<') return at - 2;
  return null;
}

/** How many tokens the comparison starting at `at` spans (`=`, `<>`, `!=`), 0 for none. */
function comparisonAfter(significant: readonly Token[], at: number): number {
  const first = significant[at]?.text;
  const second = significant[at + 1]?.text;
  if (first === '=') return 1;
  if ((first === '<' && second === '>') || (first === '!' && second === '=')) return 2;
  return 0;
}

/** Whether the literal at `index` is the pattern of a LIKE (`x LIKE '…'`, `x LIKE BINARY '…'`). */
function isLikePattern(significant: readonly Token[], index: number): boolean {
  const previous = significant[index - 1]?.upper;
  return previous === 'LIKE' || (previous === 'BINARY' && significant[index - 2]?.upper === 'LIKE');
}

/** The new literal value, or null when the literal is not an abbreviation. */
function expandValue(value: string, like: boolean, rule: (key: string) => string | null) {
  const exact = rule(asciiLower(value.trim()));
  if (exact !== null) return exact;
  if (!like) return null;
  // Keep the wildcards around the core: '%RD%' -> '%研发中心%'.
  const match = /^(%*)\s*([\s\S]*?)\s*(%*)$/.exec(value);
  if (match === null || (match[1] === '' && match[3] === '')) return null;
  const fullName = rule(asciiLower(match[2] as string));
  return fullName === null ? null : `${match[1]}${fullName}${match[3]}`;
}

/**
 * One dictionary pass. A string literal whose trimmed text equals an abbreviation (ASCII
 * case-insensitive) becomes the full name, and so does the core of a LIKE pattern ('%RD%').
 * An entry scoped to columns applies only where the literal is compared with one of them
 * (through =, <>, !=, LIKE or IN; an unqualified column counts when its table is in the
 * statement). Identifiers, comments and every byte outside the replaced literals stay as they
 * are, because users see this SQL.
 */
export function rewriteDictionaryLiterals(
  sql: string,
  rules: readonly DictionaryRule[],
  dialect: SqlDialect,
  dictionary: DictionaryRewrite['dictionary'],
  tokens: readonly SqlToken[] = tokenizeSql(sql, dialect),
): RewriteResult {
  if (rules.length === 0) return { sql, rewrites: [] };
  if (!tokens.some((token) => token.kind === 'string')) return { sql, rewrites: [] };
  const folded = foldRules(rules);
  const significant = significantTokens(sql, tokens);
  let aliases: Map<string, string> | undefined;
  const rewrites: DictionaryRewrite[] = [];
  let result = '';
  let copied = 0;
  significant.forEach((entry, index) => {
    const literal = readStringLiteral(sql, entry.token, dialect);
    if (literal === null) return;
    let column: string | undefined;
    const lookup = (key: string): string | null => {
      const rule = folded.get(key);
      if (rule === undefined) return null;
      if (rule.columns.length === 0) return rule.fullName;
      const compared = comparedColumn(significant, index);
      if (compared === null) return null;
      aliases ??= tableAliases(significant);
      const tables = aliases;
      const table = compared.qualifier === null ? null : (tables.get(compared.qualifier) ?? null);
      const scoped = rule.columns.find(
        (target) =>
          target.column === compared.column &&
          (compared.qualifier === null
            ? [...tables.values()].includes(target.table)
            : table === target.table),
      );
      if (scoped === undefined) return null;
      column = `${scoped.table}.${scoped.column}`;
      return rule.fullName;
    };
    const expanded = expandValue(literal.value, isLikePattern(significant, index), lookup);
    if (expanded === null) return;
    result +=
      sql.slice(copied, entry.token.start) +
      writeStringLiteral({ ...literal, value: expanded }, dialect);
    copied = entry.token.end;
    rewrites.push({
      before: literal.value,
      after: expanded,
      dictionary,
      ...(column === undefined ? {} : { column }),
    });
  });
  return { sql: copied === 0 ? sql : result + sql.slice(copied), rewrites };
}

/**
 * The seed's post-processing: the department pass, then the project pass on its output. A
 * department full name is therefore re-expanded only if it is itself a project abbreviation.
 */
export function rewriteWithDictionaries(
  sql: string,
  rules: DictionaryRules,
  dialect: SqlDialect,
): RewriteResult {
  const result = dictionaryPass(lexSql(sql, dialect), rules);
  return { sql: result.text.sql, rewrites: result.rewrites };
}

/**
 * rewriteWithDictionaries over SQL already lexed: the project pass reads the department pass's
 * stream, lexed again only where that pass changed the text.
 */
export function dictionaryPass(
  text: SqlText,
  rules: DictionaryRules,
): { text: SqlText; rewrites: DictionaryRewrite[] } {
  const { dialect } = text;
  const departments = rewriteDictionaryLiterals(
    text.sql,
    rules.department,
    dialect,
    'department',
    text.tokens,
  );
  const afterDepartments = departments.sql === text.sql ? text : lexSql(departments.sql, dialect);
  const projects = rewriteDictionaryLiterals(
    afterDepartments.sql,
    rules.project,
    dialect,
    'project',
    afterDepartments.tokens,
  );
  return {
    text: projects.sql === afterDepartments.sql ? afterDepartments : lexSql(projects.sql, dialect),
    rewrites: [...departments.rewrites, ...projects.rewrites],
  };
}

function rulesOf(dictionary: ReadonlyMap<string, string>): DictionaryRule[] {
  return [...dictionary].map(([abbreviation, fullName]) => ({ abbreviation, fullName }));
}

/** One unscoped dictionary pass over a map (abbreviation → full name), returning the SQL. */
export function expandAbbreviations(
  sql: string,
  dictionary: ReadonlyMap<string, string>,
  dialect: SqlDialect,
): string {
  return rewriteDictionaryLiterals(sql, rulesOf(dictionary), dialect, 'department').sql;
}

/** Both unscoped passes over maps, returning the SQL (the seed's post-processing). */
export function expandDictionaryAbbreviations(
  sql: string,
  dictionaries: AbbreviationDictionaries,
  dialect: SqlDialect,
): string {
  return rewriteWithDictionaries(
    sql,
    { department: rulesOf(dictionaries.department), project: rulesOf(dictionaries.project) },
    dialect,
  ).sql;
}
