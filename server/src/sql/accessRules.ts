import { isSignificant, type SqlToken, tokenText } from './lexer.js';
import { type AstRecord, asRecord, astNodes, identifier, stringField } from './parser.js';

/**
 * Tables and columns questions may not read. Names match case-insensitively; a table may be
 * written `db.table` to hide it in one database only.
 */
export interface AccessRules {
  /**
   * The only schema (MySQL database) SQL may name; other databases, the server's own schemas
   * and information_schema beyond this one's tables are refused (see schemaScope.ts). Unset
   * means no such check.
   */
  schema?: string;
  hiddenTables?: string[];
  hiddenColumns?: { table: string; column: string }[];
}

interface TableRef {
  db: string | null;
  table: string;
}

const lower = (text: string) => text.toLowerCase();

function parseRuleTable(name: string): TableRef {
  const dot = name.lastIndexOf('.');
  return dot === -1
    ? { db: null, table: lower(name.trim()) }
    : { db: lower(name.slice(0, dot).trim()), table: lower(name.slice(dot + 1).trim()) };
}

function sameTable(rule: TableRef, ref: TableRef): boolean {
  return rule.table === ref.table && (rule.db === null || rule.db === ref.db);
}

/** Every `{table, db}` the tree names, with the alias each is given. */
function collectTables(roots: readonly AstRecord[]) {
  const tables: TableRef[] = [];
  const aliases = new Map<string, Set<string>>();
  const columnRefs: AstRecord[] = [];
  for (const node of astNodes(roots)) {
    if (stringField(node, 'type') === 'column_ref') columnRefs.push(node);
    else {
      const table = identifier(node.table);
      if (table !== null && !('column' in node)) {
        const db = identifier(node.db);
        tables.push({ db: db === null ? null : lower(db), table: lower(table) });
        const alias = identifier(node.as);
        if (alias !== null) {
          const known = aliases.get(lower(alias)) ?? new Set<string>();
          aliases.set(lower(alias), known.add(lower(table)));
        }
      }
    }
  }
  return { tables, aliases, columnRefs };
}

function fromTableList(entries: readonly string[]): TableRef[] {
  return entries.flatMap((entry) => {
    const [, db, table] = entry.split('::');
    if (table === undefined || table === 'null') return [];
    return [{ db: db === undefined || db === 'null' ? null : lower(db), table: lower(table) }];
  });
}

/** Bare (not dot-qualified) identifier tokens, unquoted and lower-cased. */
function bareIdentifiers(sql: string, tokens: readonly SqlToken[]): Set<string> {
  const names = new Set<string>();
  let previous: SqlToken | undefined;
  for (const token of tokens) {
    if (!isSignificant(token)) continue;
    const qualified = previous !== undefined && tokenText(sql, previous) === '.';
    if (!qualified && (token.kind === 'word' || token.kind === 'quoted_identifier')) {
      const text = tokenText(sql, token);
      const name = token.kind === 'word' ? text : text.slice(1, -1);
      names.add(lower(name));
    }
    previous = token;
  }
  return names;
}

/**
 * Why the statement reaches something `rules` hide, or null. Works from the AST (tables,
 * aliases, column references, `*`) and, as a second net for places the AST does not model
 * (USING lists, identifiers a parser misread as strings), from the bare identifiers in the
 * tokens. It errs on the side of refusing: a hidden name used as an alias is refused too.
 */
export function findHiddenReference(
  statements: readonly AstRecord[],
  tableList: readonly string[],
  sql: string,
  tokens: readonly SqlToken[],
  rules: AccessRules,
): string | null {
  const hiddenTables = (rules.hiddenTables ?? []).map(parseRuleTable);
  const hiddenColumns = (rules.hiddenColumns ?? []).map((rule) => ({
    ...parseRuleTable(rule.table),
    column: lower(rule.column.trim()),
  }));
  if (hiddenTables.length === 0 && hiddenColumns.length === 0) return null;

  const { tables, aliases, columnRefs } = collectTables(statements);
  const referenced = [...tables, ...fromTableList(tableList)];
  const bare = bareIdentifiers(sql, tokens);

  for (const rule of hiddenTables) {
    if (referenced.some((ref) => sameTable(rule, ref)) || bare.has(rule.table)) {
      return `This SQL reads the hidden table ${rule.table}; it is not available to questions, so leave it out.`;
    }
  }

  const touched = hiddenColumns.filter((rule) => referenced.some((ref) => sameTable(rule, ref)));
  if (touched.length === 0) return null;
  const listed = touched.map((rule) => `${rule.table}.${rule.column}`).join(', ');
  if (statements.some((statement) => statement.type === 'show' || statement.type === 'desc')) {
    return `Describing this table would list hidden columns (${listed}); ask about its other columns instead.`;
  }
  const resolves = (qualifier: string, table: string) =>
    qualifier === table || (aliases.get(qualifier)?.has(table) ?? false);

  for (const ref of columnRefs) {
    const column = lower(identifier(ref.column) ?? '');
    const qualifier = identifier(ref.table);
    const q = qualifier === null ? null : lower(qualifier);
    if (column === '*') {
      const hits = touched.filter((rule) => q === null || resolves(q, rule.table));
      if (hits.length > 0 && (q !== null || starReachesTable(ref, statements, hits))) {
        const names = hits.map((rule) => `${rule.table}.${rule.column}`).join(', ');
        return `SELECT * would include hidden columns (${names}); list the columns you need and leave those out.`;
      }
      continue;
    }
    const hit = touched.find(
      (rule) => rule.column === column && (q === null || resolves(q, rule.table)),
    );
    if (hit !== undefined) {
      return `This SQL reads the hidden column ${hit.table}.${hit.column}; it is not available to questions, so leave it out.`;
    }
  }
  const byToken = touched.find((rule) => bare.has(rule.column));
  if (byToken !== undefined) {
    return `This SQL names the hidden column ${byToken.table}.${byToken.column}; it is not available to questions, so leave it out.`;
  }
  return null;
}

/**
 * Whether an unqualified `*` sits in a SELECT whose own FROM lists one of the hidden-column
 * tables. Scoping this keeps `SELECT * FROM (SELECT name FROM employees) t` allowed: its
 * inner SELECT is checked on its own.
 */
function starReachesTable(
  star: AstRecord,
  statements: readonly AstRecord[],
  hits: readonly TableRef[],
): boolean {
  const owner = findOwningSelect(statements, star);
  const from = owner === null ? [] : owner.from;
  if (!Array.isArray(from)) return owner === null;
  return from.some((entry) => {
    const node = asRecord(entry);
    const table = node === null ? null : identifier(node.table);
    if (node === null || table === null) return false;
    const db = identifier(node.db);
    const ref = { db: db === null ? null : lower(db), table: lower(table) };
    return hits.some((rule) => sameTable(rule, ref));
  });
}

/** The innermost node with a `from` clause whose select list holds `target`. */
function findOwningSelect(roots: readonly AstRecord[], target: AstRecord): AstRecord | null {
  const stack: { value: unknown; owner: AstRecord | null }[] = roots.map((value) => ({
    value,
    owner: null,
  }));
  const seen = new WeakSet<object>();
  while (stack.length > 0) {
    const { value, owner } = stack.pop() as { value: unknown; owner: AstRecord | null };
    if (value === target) return owner;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, owner });
      continue;
    }
    const node = asRecord(value);
    if (node === null || seen.has(node)) continue;
    seen.add(node);
    const nextOwner = 'from' in node && 'columns' in node ? node : owner;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, owner: nextOwner });
    }
  }
  return null;
}
