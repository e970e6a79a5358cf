import type { SqlDialect } from '../ports.js';
import { type ReadJudge, readJudge } from './guard.js';
import { lexSql, type SqlText } from './lexer.js';
import { findStatementEnd, sqlStatementsIn } from './statementText.js';

// Reasoning models (DeepSeek-R1, QwQ, Qwen3) wrap their thinking in these tags; drafts of SQL
// inside them are not the answer. Some servers strip the opening tag and leave only the
// closing one, and a truncated answer may open a block it never closes.
const REASONING_TAGS = ['think', 'thinking', 'reasoning'];

function stripReasoning(text: string): string {
  let visible = text;
  for (const tag of REASONING_TAGS) {
    visible = visible.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'gi'), '');
    const close = visible.toLowerCase().lastIndexOf(`</${tag}>`);
    if (close !== -1) visible = visible.slice(close + tag.length + 3);
    const open = visible.toLowerCase().indexOf(`<${tag}>`);
    if (open !== -1) visible = visible.slice(0, open);
  }
  return visible;
}

const SQL_LANGUAGES = new Set([
  'sql',
  'mysql',
  'mariadb',
  'sqlite',
  'sqlite3',
  'postgresql',
  'postgres',
  'psql',
  'pgsql',
  'plsql',
  'tsql',
  'hive',
  'sparksql',
]);

interface FencedBlock {
  language: string;
  content: string;
}

/** Markdown code fences (``` or ~~~), including one left open at the end of the text. */
function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const opening = /^\s*(`{3,}|~{3,})(.*)$/.exec(lines[i] as string);
    if (opening === null) continue;
    const fence = opening[1] as string;
    const info = opening[2] as string;
    // A whole block on one line: ```sql SELECT 1```
    const inline = info.indexOf(fence);
    if (inline !== -1) {
      const body = info.slice(0, inline).trim();
      const language = /^\S+/.exec(body)?.[0] ?? '';
      const known = SQL_LANGUAGES.has(language.toLowerCase());
      blocks.push({
        language: known ? language.toLowerCase() : '',
        content: known ? body.slice(language.length) : body,
      });
      continue;
    }
    const language = (info.trim().split(/\s+/)[0] ?? '').toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] as string).trim().startsWith(fence)) {
      body.push(lines[j] as string);
      j += 1;
    }
    blocks.push({ language, content: body.join('\n') });
    i = j;
  }
  return blocks;
}

const READ_START = /^(?:select|with)\b/i;
const SQL_START =
  /^(?:select|with|insert|update|delete|replace|merge|create|drop|alter|truncate|rename|show|describe|desc|explain|set|use|call|do|pragma|attach|detach|grant|revoke|lock|unlock|load|handler|values|vacuum|\(\s*select)\b/i;

/** The statements of a block known to hold SQL. */
function statementsOfBlock(content: string): string[] {
  // Chinese answers sometimes end the SQL with a full-width semicolon, which the lexer reads
  // as part of the last identifier.
  return sqlStatementsIn(content).map((statement) => statement.replace(/；+$/u, ''));
}

// Words that follow "select" in English rather than in SQL ("Select the department…").
// Short ones are column names too (`SELECT a FROM t`), so they count only after a lower-case
// "select"; the rest count always.
const PROSE_AFTER_SELECT = new Set(
  'a an all any some one this that these those which what your my our only from rows records data columns fields every each'.split(
    ' ',
  ),
);
const PROSE_ALWAYS = new Set(['the', 'statement', 'statements', 'query', 'queries', 'clause']);
const WITH_SHAPE =
  /^with\s+(?:recursive\s+)?[`"[]?[\p{L}\p{N}_$]+[`"\]]?\s*(?:\([^)]*\)\s*)?as\s*(?:(?:not\s+)?materialized\s*)?\(/iu;

/** Whether a statement found in running text is SQL rather than a sentence about it. */
function looksLikeSql(statement: string): boolean {
  if (/^with\b/i.test(statement)) return WITH_SHAPE.test(statement);
  const next = /^select\s+([\p{L}_]+)/iu.exec(statement)?.[1]?.toLowerCase() ?? '';
  const upper = statement.startsWith('SELECT');
  if (PROSE_ALWAYS.has(next) || (!upper && PROSE_AFTER_SELECT.has(next))) return false;
  if (/[*(),=<>'"`]/.test(statement)) return true;
  if (/[.!?。！？]$/.test(statement)) return false;
  return upper || /\bfrom\b/i.test(statement);
}

/**
 * The statements stacked right behind one found in running text (`SELECT …; DROP …`): they
 * belong to the same answer, and a write among them must not vanish unseen.
 */
function stackedAfter(rest: string): string[] {
  const stacked: string[] = [];
  let remaining = rest;
  for (;;) {
    const separator = /^[ \t]*;\s*/.exec(remaining);
    if (separator === null) break;
    remaining = remaining.slice(separator[0].length);
    // SQL keywords are written all upper or all lower case; "Update: …" is a sentence.
    const word = /^[A-Za-z]+/.exec(remaining)?.[0] ?? '';
    const cased = word === word.toUpperCase() || word === word.toLowerCase();
    if (!cased || !SQL_START.test(remaining)) break;
    const end = findStatementEnd(remaining, true);
    if (end === 0) break;
    stacked.push(remaining.slice(0, end));
    remaining = remaining.slice(end);
  }
  return stacked;
}

/**
 * The first SELECT/WITH statement in running text: at a line start, after a colon, in `code`;
 * with the statements stacked right behind it.
 */
function statementsInProse(text: string): string[] | null {
  for (const match of text.matchAll(/\b(?:select|with)\b/gi)) {
    const index = match.index;
    const before = text.slice(text.lastIndexOf('\n', index - 1) + 1, index);
    const inCode = /`\s*$/.test(before) && !/```\s*$/.test(before);
    const atLineStart = /^[\s>*-]*(?:\d+[.)]\s*)?$/.test(before);
    // Mid-sentence, only an upper-case keyword is taken as SQL ("The query is SELECT …").
    const upperMidLine = /(?:^|\s)$/.test(before) && /^[A-Z]+$/.test(match[0]);
    if (!atLineStart && !inCode && !upperMidLine && !/[:：]\s*$/.test(before)) continue;
    let rest = text.slice(index);
    // Inline code cannot contain a backtick, so the next one closes it.
    if (inCode && rest.includes('`')) rest = rest.slice(0, rest.indexOf('`'));
    const end = findStatementEnd(rest, true);
    // A sentence's full stop is not part of the SQL: "… is SELECT 1 FROM t."
    const statement = rest
      .slice(0, end)
      .replace(/(?<![\d.])\.$|[；。]+$/u, '')
      .trimEnd();
    if (looksLikeSql(statement)) return [statement, ...stackedAfter(rest.slice(end))];
  }
  return null;
}

function fromJson(text: string): string[] | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const record = parsed as Record<string, unknown>;
    const value = record.sql ?? record.SQL ?? record.query;
    return typeof value === 'string' ? extractSqlStatements(value) : null;
  } catch {
    return null;
  }
}

/**
 * The SQL statements of a model's answer, in order, or null when there is none (a refusal,
 * prose, nothing). Looks, in order, at: a fenced block tagged as SQL, an untagged fenced block
 * that starts like SQL, a JSON answer's `sql` field (bare or in a json block), and SELECT/WITH
 * statements in the text (after a colon, at a line start, in `inline code`, with whatever is
 * stacked behind them). Reasoning blocks (`<think>…</think>`) are ignored. Each statement is
 * trimmed, ends before its top-level semicolon (one inside a string literal does not count)
 * and keeps its inner newlines.
 */
export function extractSqlStatements(text: string): string[] | null {
  const visible = stripReasoning(text);
  const blocks = fencedBlocks(visible);
  for (const block of blocks) {
    if (!SQL_LANGUAGES.has(block.language)) continue;
    const statements = statementsOfBlock(block.content);
    if (statements.length > 0) return statements;
  }
  for (const block of blocks) {
    if (block.language !== '') continue;
    const statements = statementsOfBlock(block.content);
    if (statements.some((statement) => SQL_START.test(statement))) return statements;
  }
  const json = blocks.find((block) => block.language === 'json');
  return fromJson(json?.content ?? visible) ?? statementsInProse(visible);
}

/** Of an answer's statements, the one to run: its first SELECT/WITH, else its first. */
export function chooseStatement(statements: readonly string[]): string | null {
  return statements.find((statement) => READ_START.test(statement)) ?? statements[0] ?? null;
}

/** The one SQL statement to run from a model's answer (see extractSqlStatements), or null. */
export function extractSql(text: string): string | null {
  const statements = extractSqlStatements(text);
  return statements === null ? null : chooseStatement(statements);
}

/**
 * The SQL to run from a model's answer, lexed once: its one statement, or the first read when
 * every statement is a read. When any is not, all of them, so the guard refuses the answer
 * whole and names the write: a write stacked behind a SELECT must never vanish unseen. `reads`
 * keeps each statement's verdict for the guard, which then judges none of them again.
 */
export function extractCandidate(
  text: string,
  dialect: SqlDialect,
  reads: ReadJudge = readJudge(),
): SqlText | null {
  const statements = extractSqlStatements(text);
  if (statements === null) return null;
  if (statements.length > 1) {
    const lexed = statements.map((statement) => lexSql(statement, dialect));
    if (!lexed.every((statement) => reads(statement) === null)) {
      return lexSql(statements.join(';\n'), dialect);
    }
    const chosen = chooseStatement(statements);
    return lexed.find((statement) => statement.sql === chosen) ?? null;
  }
  const chosen = chooseStatement(statements);
  return chosen === null ? null : lexSql(chosen, dialect);
}

/** The SQL to run from a model's answer (see extractCandidate), or null. */
export function extractSqlToRun(text: string, dialect: SqlDialect): string | null {
  return extractCandidate(text, dialect)?.sql ?? null;
}
