import type { SemanticsUsed } from '@quarry/shared';
import type { SqlDialect } from '../ports.js';
import {
  isSignificant,
  lexSql,
  type SqlText,
  type SqlToken,
  statementRanges,
  tokenizeSql,
  tokenText,
} from './lexer.js';

/** A calculated field as the expansion needs it: a named expression over one table's columns. */
export interface CalculatedFieldDefinition {
  table: string;
  name: string;
  expression: string;
}

/** A metric as the expansion needs it: a named read-only query and its output column names. */
export interface MetricDefinition {
  name: string;
  sql: string;
  columns: readonly string[];
}

/** The valid definitions of one data source, and its real tables' columns. */
export interface SemanticCatalog {
  calculatedFields: readonly CalculatedFieldDefinition[];
  metrics: readonly MetricDefinition[];
  /** Lower-cased table name → its real columns, lower-cased. */
  columns: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface SemanticExpansion {
  sql: string;
  semanticsUsed: SemanticsUsed;
}

/** Words that end a table reference instead of naming its alias. */
const NOT_ALIAS = new Set(
  'ON USING JOIN INNER LEFT RIGHT FULL OUTER CROSS NATURAL STRAIGHT_JOIN WHERE GROUP ORDER HAVING LIMIT UNION INTERSECT EXCEPT WINDOW FOR LOCK INTO OFFSET FETCH AS USE FORCE IGNORE PARTITION'.split(
    ' ',
  ),
);
/** Words after which the next name (or list of names) is a table reference. */
const CLAUSES = new Set(
  'SELECT FROM WHERE GROUP HAVING ORDER LIMIT JOIN ON USING UNION INTERSECT EXCEPT WINDOW WITH VALUES SET'.split(
    ' ',
  ),
);

const lower = (text: string) => text.toLowerCase();

/** A name token's identifier, unquoted; null for anything that can't name a column or table. */
function nameOf(sql: string, token: SqlToken | undefined): string | null {
  if (token === undefined) return null;
  const text = tokenText(sql, token);
  if (token.kind === 'word') return text;
  if (token.kind === 'quoted_identifier' && token.terminated) {
    const close = text[0] === '[' ? ']' : (text[0] as string);
    return text.slice(1, -1).replaceAll(close + close, close);
  }
  return null;
}

interface TableReference {
  table: string;
  /** How SQL names it: the alias when it has one, else the table name as written. */
  qualifier: string;
  alias: string | null;
  /** Token index of the table name. */
  at: number;
  /** Parenthesis depth of the reference: a name outside a subquery can't mean its tables. */
  depth: number;
}

/** What a flat walk over one statement's tokens learns: tables, aliases, CTE names, clauses. */
interface StatementShape {
  tokens: readonly SqlToken[];
  /** Indexes of significant tokens, in order. */
  significant: number[];
  /** Clause keyword (upper-case) each significant token sits in, at its own parenthesis depth. */
  clause: string[];
  /** Parenthesis depth of each significant token. */
  depth: number[];
  references: TableReference[];
  /** Lower-cased names defined as aliases (`AS x`, table aliases) or CTEs in the statement. */
  defined: Set<string>;
  /** Token indexes that define a name (aliases, CTE names) and are never expanded. */
  definitions: Set<number>;
}

function readShape(sql: string, tokens: readonly SqlToken[]): StatementShape {
  const significant = tokens.flatMap((token, index) => (isSignificant(token) ? [index] : []));
  const text = (position: number) => {
    const index = significant[position];
    return index === undefined ? '' : tokenText(sql, tokens[index] as SqlToken);
  };
  const upper = (position: number) => text(position).toUpperCase();
  const clause: string[] = [];
  const depth: number[] = [];
  const clauseAtDepth: string[] = [''];
  const references: TableReference[] = [];
  const defined = new Set<string>();
  const definitions = new Set<number>();

  for (let p = 0; p < significant.length; p += 1) {
    const token = tokens[significant[p] as number] as SqlToken;
    const word = token.kind === 'word' ? upper(p) : '';
    const symbol = token.kind === 'symbol' ? text(p) : '';
    depth.push(clauseAtDepth.length - 1);
    if (symbol === '(') {
      clause.push(clauseAtDepth.at(-1) as string);
      clauseAtDepth.push('');
      continue;
    }
    if (symbol === ')') {
      if (clauseAtDepth.length > 1) clauseAtDepth.pop();
      clause.push(clauseAtDepth.at(-1) as string);
      continue;
    }
    if (CLAUSES.has(word)) {
      clauseAtDepth[clauseAtDepth.length - 1] = word === 'JOIN' ? 'FROM' : word;
      clause.push(clauseAtDepth.at(-1) as string);
      continue;
    }
    const current = clauseAtDepth.at(-1) as string;
    clause.push(current);
    const name = nameOf(sql, token);
    if (name === null) continue;
    const previous = upper(p - 1);
    if (previous === 'AS') {
      defined.add(lower(name));
      definitions.add(significant[p] as number);
      continue;
    }
    if (
      current === 'WITH' &&
      (previous === 'WITH' || previous === 'RECURSIVE' || previous === ',')
    ) {
      defined.add(lower(name));
      definitions.add(significant[p] as number);
      continue;
    }
    const startsReference =
      (current === 'FROM' && (previous === 'FROM' || previous === 'JOIN' || previous === ',')) ||
      (current === 'FROM' && previous === 'STRAIGHT_JOIN');
    if (!startsReference || text(p + 1) === '(') continue;
    // `db.table`: the table is the last part.
    let last = p;
    while (text(last + 1) === '.' && nameOf(sql, tokens[significant[last + 2] as number]) !== null)
      last += 2;
    const table = nameOf(sql, tokens[significant[last] as number]) as string;
    let aliasAt = last + 1;
    if (upper(aliasAt) === 'AS') aliasAt += 1;
    const aliasToken = tokens[significant[aliasAt] as number];
    const alias = nameOf(sql, aliasToken);
    const isAlias =
      alias !== null &&
      !(
        aliasToken?.kind === 'word' &&
        (NOT_ALIAS.has(upper(aliasAt)) || CLAUSES.has(upper(aliasAt)))
      );
    if (isAlias) {
      defined.add(lower(alias));
      definitions.add(significant[aliasAt] as number);
    }
    references.push({
      table: lower(table),
      qualifier: isAlias ? text(aliasAt) : text(last),
      alias: isAlias ? lower(alias) : null,
      at: significant[last] as number,
      depth: clauseAtDepth.length - 1,
    });
  }
  return { tokens, significant, clause, depth, references, defined, definitions };
}

/** Writes `expression` with its table's columns qualified, and nested calculated fields expanded. */
function qualifyExpression(
  expression: string,
  table: string,
  qualifier: string,
  catalog: SemanticCatalog,
  dialect: SqlDialect,
  used: Set<string>,
  depth = 0,
): string {
  const tokens = tokenizeSql(expression, dialect);
  const columns = catalog.columns.get(table) ?? new Set<string>();
  const significantAround = (index: number, step: 1 | -1) => {
    for (let i = index + step; i >= 0 && i < tokens.length; i += step) {
      const token = tokens[i] as SqlToken;
      if (isSignificant(token)) return tokenText(expression, token);
    }
    return '';
  };
  let out = '';
  tokens.forEach((token, index) => {
    const text = tokenText(expression, token);
    const name = nameOf(expression, token);
    const free =
      name !== null &&
      significantAround(index, -1) !== '.' &&
      significantAround(index, 1) !== '(' &&
      significantAround(index, 1) !== '.';
    if (free && columns.has(lower(name))) {
      out += `${qualifier}.${text}`;
      return;
    }
    const nested = free && depth < 4 ? findField(catalog, table, name) : undefined;
    if (nested !== undefined) {
      used.add(`${nested.table}.${nested.name}`);
      out += `(${qualifyExpression(nested.expression, table, qualifier, catalog, dialect, used, depth + 1)})`;
      return;
    }
    out += text;
  });
  return out;
}

function findField(
  catalog: SemanticCatalog,
  table: string,
  name: string | null,
): CalculatedFieldDefinition | undefined {
  if (name === null) return undefined;
  const key = lower(name);
  // A real column always wins over a calculated field of the same name.
  if (catalog.columns.get(table)?.has(key)) return undefined;
  return catalog.calculatedFields.find(
    (field) => lower(field.table) === table && lower(field.name) === key,
  );
}

interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** Whether the name at significant position `p` (or its qualifier at `from`) is a whole select item. */
function isWholeSelectItem(shape: StatementShape, sql: string, from: number, to: number): boolean {
  const text = (position: number) => {
    const index = shape.significant[position];
    return index === undefined ? '' : tokenText(sql, shape.tokens[index] as SqlToken).toUpperCase();
  };
  if (shape.clause[to] !== 'SELECT') return false;
  const before = text(from - 1);
  const after = text(to + 1);
  return (
    (before === 'SELECT' || before === 'DISTINCT' || before === ',') &&
    (after === ',' || after === 'FROM' || after === '' || after === ')' || after === ';')
  );
}

/** Replaces each calculated field the statement names with its expression. */
function expandFields(
  sql: string,
  shape: StatementShape,
  catalog: SemanticCatalog,
  dialect: SqlDialect,
  metricColumns: ReadonlySet<string>,
  used: Set<string>,
): Replacement[] {
  const { tokens, significant, references } = shape;
  const replacements: Replacement[] = [];
  const referenceAt = new Set(references.map((reference) => reference.at));
  const textAt = (position: number) => {
    const index = significant[position];
    return index === undefined ? '' : tokenText(sql, tokens[index] as SqlToken);
  };
  const visible = (p: number) =>
    references.filter((reference) => reference.depth <= (shape.depth[p] as number));
  const hasRealColumn = (name: string, p: number) =>
    metricColumns.has(name) ||
    visible(p).some((reference) => catalog.columns.get(reference.table)?.has(name));

  for (let p = 0; p < significant.length; p += 1) {
    const index = significant[p] as number;
    const name = nameOf(sql, tokens[index]);
    if (name === null || referenceAt.has(index) || shape.definitions.has(index)) continue;
    const next = textAt(p + 1);
    if (next === '(' || next === '.') continue;
    const key = lower(name);
    let from = p;
    let target: { field: CalculatedFieldDefinition; qualifier: string } | undefined;
    if (textAt(p - 1) === '.') {
      from = p - 2;
      const qualifier = nameOf(sql, tokens[significant[from] as number]);
      if (qualifier === null) continue;
      const q = lower(qualifier);
      const reference =
        references.find((r) => r.alias === q) ??
        references.find((r) => r.alias === null && r.table === q);
      const field = reference && findField(catalog, reference.table, name);
      if (field && reference) target = { field, qualifier: textAt(from) };
    } else {
      // A bare name is the field only when nothing else in the statement could be meant by it.
      if (shape.defined.has(key) || hasRealColumn(key, p)) continue;
      const owners = visible(p).filter((r) => findField(catalog, r.table, name) !== undefined);
      if (owners.length !== 1) continue;
      const owner = owners[0] as TableReference;
      target = {
        field: findField(catalog, owner.table, name) as CalculatedFieldDefinition,
        qualifier: owner.qualifier,
      };
    }
    if (target === undefined) continue;
    const { field, qualifier } = target;
    used.add(`${field.table}.${field.name}`);
    const expression = qualifyExpression(
      field.expression,
      lower(field.table),
      qualifier,
      catalog,
      dialect,
      used,
    );
    const alias = isWholeSelectItem(shape, sql, from, p) ? ` AS ${textAt(p)}` : '';
    replacements.push({
      start: (tokens[significant[from] as number] as SqlToken).start,
      end: (tokens[index] as SqlToken).end,
      text: `(${expression})${alias}`,
    });
  }
  return replacements;
}

function splice(sql: string, replacements: readonly Replacement[]): string {
  let out = '';
  let copied = 0;
  for (const replacement of [...replacements].sort((a, b) => a.start - b.start)) {
    out += sql.slice(copied, replacement.start) + replacement.text;
    copied = replacement.end;
  }
  return out + sql.slice(copied);
}

/** The statement's text without trailing semicolons, comments and space. */
function bodyOf(sql: string, dialect: SqlDialect): string {
  const tokens = tokenizeSql(sql, dialect);
  const last = tokens.findLast(
    (token) => isSignificant(token) && !(token.kind === 'symbol' && tokenText(sql, token) === ';'),
  );
  return last === undefined ? sql.trim() : sql.slice(0, last.end).trim();
}

/**
 * The semantic layer written out, before the guard and execution see the SQL: every calculated
 * field the SQL names becomes its expression (its columns qualified with the table's alias),
 * and every metric it reads as a table becomes a CTE of the metric's SQL. Works on the tokens,
 * like the dictionary rewrite: an alias, a CTE or real column of the same name, another
 * table's column, a literal or a comment is never touched, and no byte outside a replaced name
 * changes. SQL holding several statements is left as it is (the guard refuses it whole).
 */
export function expandSemantics(
  sql: string,
  dialect: SqlDialect,
  catalog: SemanticCatalog,
): SemanticExpansion {
  const expanded = semanticPass(lexSql(sql, dialect), catalog);
  return { sql: expanded.text.sql, semanticsUsed: expanded.semanticsUsed };
}

/** expandSemantics over SQL already lexed; the text comes back as it was when nothing changed. */
export function semanticPass(
  text: SqlText,
  catalog: SemanticCatalog,
): { text: SqlText; semanticsUsed: SemanticsUsed } {
  const { sql, dialect, tokens } = text;
  const none = { text, semanticsUsed: { calculated_fields: [], metrics: [] } };
  if (catalog.calculatedFields.length === 0 && catalog.metrics.length === 0) return none;
  if (statementRanges(tokens, sql).length !== 1) return none;
  const shape = readShape(sql, tokens);

  // Metrics read as tables, in the order the SQL first names them; a CTE of the SQL's own or a
  // real table of the same name wins.
  const metrics: { metric: MetricDefinition; written: string }[] = [];
  for (const reference of shape.references) {
    const metric = catalog.metrics.find((m) => lower(m.name) === reference.table);
    if (
      metric === undefined ||
      shape.defined.has(reference.table) ||
      catalog.columns.has(reference.table) ||
      metrics.some((m) => m.metric === metric)
    )
      continue;
    metrics.push({ metric, written: tokenText(sql, tokens[reference.at] as SqlToken) });
  }
  const metricColumns = new Set(metrics.flatMap(({ metric }) => metric.columns.map(lower)));

  const fieldsUsed = new Set<string>();
  const fields = expandFields(sql, shape, catalog, dialect, metricColumns, fieldsUsed);
  if (fields.length === 0 && metrics.length === 0) return none;
  let expanded = splice(sql, fields);
  if (metrics.length > 0) {
    const ctes = metrics.map(({ metric, written }) => {
      const body = expandSemantics(bodyOf(metric.sql, dialect), dialect, {
        ...catalog,
        metrics: [],
      });
      for (const field of body.semanticsUsed.calculated_fields) fieldsUsed.add(field);
      return `${written} AS (\n${body.sql}\n)`;
    });
    expanded = withCtes(expanded, ctes, dialect);
  }
  return {
    text: lexSql(expanded, dialect),
    semanticsUsed: {
      calculated_fields: [...fieldsUsed],
      metrics: metrics.map(({ metric }) => metric.name),
    },
  };
}

/** Puts `ctes` first in the statement's WITH clause, or gives it one. */
function withCtes(sql: string, ctes: readonly string[], dialect: SqlDialect): string {
  const tokens = tokenizeSql(sql, dialect).filter(isSignificant);
  const first = tokens[0];
  if (first !== undefined && tokenText(sql, first).toUpperCase() === 'WITH') {
    const second = tokens[1];
    const after =
      second !== undefined && tokenText(sql, second).toUpperCase() === 'RECURSIVE' ? second : first;
    return `${sql.slice(0, after.end)} ${ctes.join(',\n')},${sql.slice(after.end)}`;
  }
  return `WITH ${ctes.join(',\n')}\n${sql}`;
}
