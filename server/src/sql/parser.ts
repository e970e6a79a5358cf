import { createRequire } from 'node:module';
import mariadbBuild from 'node-sql-parser/build/mariadb.js';
import mysqlBuild from 'node-sql-parser/build/mysql.js';
import sqliteBuild from 'node-sql-parser/build/sqlite.js';
import type { SqlDialect } from '../ports.js';

/**
 * A node of node-sql-parser's AST. Its published types are loose and incomplete (many node
 * kinds are missing), so the guard reads nodes as plain records through the helpers below
 * instead of trusting them.
 */
export type AstRecord = Record<string, unknown>;

/** What the parser read: one AST per statement, plus its `action::db::table` summaries. */
export interface ParsedSql {
  statements: AstRecord[];
  tableList: string[];
  columnList: string[];
}

/** Where and why the parser stopped. */
export interface SqlSyntaxProblem {
  line: number | undefined;
  column: number | undefined;
  found: string | undefined;
}

type ParserDatabase = 'MySQL' | 'MariaDB' | 'Sqlite' | 'PostgresQL';

// Each build carries one grammar; loading the per-dialect builds keeps startup lighter than
// the all-dialect bundle. Instances hold no per-parse state, so one each is reused.
const parsers = {
  MySQL: new mysqlBuild.Parser(),
  MariaDB: new mariadbBuild.Parser(),
  Sqlite: new sqliteBuild.Parser(),
} as const;

type Parser = InstanceType<typeof mysqlBuild.Parser>;
let postgresParser: Parser | undefined;

/** The grammar of `database`; PostgreSQL's is loaded on first use (most processes never need it). */
function parserFor(database: ParserDatabase): Parser {
  if (database !== 'PostgresQL') return parsers[database];
  postgresParser ??= new (
    createRequire(import.meta.url)('node-sql-parser/build/postgresql.js') as typeof mysqlBuild
  ).Parser();
  return postgresParser;
}

// MariaDB's grammar accepts a few things MySQL's does not, and MariaDB is what "mysql" often
// means in production. node-sql-parser's SQLite grammar cannot read unquoted non-ASCII
// identifiers (`AS 人数`), CROSS JOIN, or OVER (ORDER BY …) without PARTITION BY, all common
// in analytical SQL, so SQLite falls back to the MySQL grammar. That is safe because
// whatever grammar reads the statement, the same AST checks follow, and the SQLite-specific
// lexical differences (backslashes, `#`, "…" identifiers) are checked on SQLite's own tokens.
// PostgreSQL has only its own grammar (which cannot read FOR UPDATE and a few other forms:
// those are held to the token rules and PostgreSQL's own plan instead).
const GRAMMARS: Record<SqlDialect, ParserDatabase[]> = {
  mysql: ['MySQL', 'MariaDB'],
  sqlite: ['Sqlite', 'MySQL'],
  // MySQL's grammar reads "…" as a string and backticks as quotes, so it has no say here.
  postgres: ['PostgresQL'],
};

/** Narrows an AST value to a record. */
export function asRecord(value: unknown): AstRecord | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as AstRecord)
    : null;
}

/** A string-valued field of a node, or undefined. */
export function stringField(node: AstRecord, key: string): string | undefined {
  const value = node[key];
  return typeof value === 'string' ? value : undefined;
}

/** An identifier as the AST holds it: a plain string or a `{ value }` node for quoted ones. */
export function identifier(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const node = asRecord(value);
  if (node === null) return null;
  if (typeof node.value === 'string') return node.value;
  // Newer parser versions wrap column names as { expr: { value } }.
  return identifier(node.expr);
}

/**
 * Every node under `roots`, each once (the parser may share a node between places, and a
 * cycle must not loop): depth first, a node before its children, so a walker may note
 * something about a node before its children come. Generic rather than per clause, so a
 * clause the parser adds later is still seen.
 */
export function* astNodes(roots: readonly unknown[]): Generator<AstRecord> {
  const stack: unknown[] = [...roots];
  const seen = new WeakSet<object>();
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...value);
      continue;
    }
    const node = asRecord(value);
    if (node === null || seen.has(node)) continue;
    seen.add(node);
    yield node;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
}

function toStatements(ast: unknown): AstRecord[] {
  const list = Array.isArray(ast) ? ast : [ast];
  return list.map(asRecord).filter((node): node is AstRecord => node !== null);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

/** Where the parser stopped, read from its (pegjs) SyntaxError. */
export function syntaxProblem(error: unknown): SqlSyntaxProblem {
  const record = asRecord(error) ?? {};
  const start = asRecord(asRecord(record.location)?.start);
  const found = record.found;
  return {
    line: typeof start?.line === 'number' ? start.line : undefined,
    column: typeof start?.column === 'number' ? start.column : undefined,
    found: typeof found === 'string' ? found : undefined,
  };
}

function offsetOf(error: unknown): number {
  const offset = asRecord(asRecord(asRecord(error)?.location)?.start)?.offset;
  return typeof offset === 'number' ? offset : -1;
}

/**
 * Parses SQL with node-sql-parser's grammar(s) for `dialect`. When none can read it, throws the
 * error of the grammar that read furthest: the one whose stopping point is the real problem
 * (SQLite's grammar stops at a Chinese name MySQL's reads; MySQL's then stops at `==`).
 */
export function parseSql(sql: string, dialect: SqlDialect): ParsedSql {
  let furthest: unknown;
  for (const database of GRAMMARS[dialect]) {
    try {
      const result = parserFor(database).parse(sql, { database });
      return {
        statements: toStatements(result.ast),
        tableList: strings(result.tableList),
        columnList: strings(result.columnList),
      };
    } catch (error) {
      if (furthest === undefined || offsetOf(error) > offsetOf(furthest)) furthest = error;
    }
  }
  throw furthest;
}
