import { isSignificant, type SqlToken, tokenText } from './lexer.js';
import { type AstRecord, asRecord, astNodes, identifier, stringField } from './parser.js';
import { functionName } from './statementChecks.js';

/**
 * Questions read one MySQL database, the one the data source's URL names. These checks refuse
 * SQL that names another schema: the server's own (`mysql.user` holds password hashes,
 * `performance_schema` and `sys` other sessions' SQL), other databases on the same server,
 * and `information_schema` beyond the database's own tables and columns (PROCESSLIST,
 * privileges, other schemas' routines). The server's grants should say the same (see the
 * README's deploying section); this is the layer that holds when they do not.
 */

const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);

/**
 * The information_schema tables that describe one schema's own tables, each with the column
 * naming that schema: a read of them is allowed when its WHERE (or ON) holds that column to
 * the configured database.
 */
const OWN_METADATA: ReadonlyMap<string, string> = new Map([
  ['tables', 'table_schema'],
  ['columns', 'table_schema'],
  ['views', 'table_schema'],
  ['statistics', 'table_schema'],
  ['key_column_usage', 'table_schema'],
  ['table_constraints', 'table_schema'],
  ['referential_constraints', 'constraint_schema'],
]);

const lower = (text: string) => text.toLowerCase();

function outside(name: string, schema: string): string {
  return `This SQL reads ${name}, outside the database ${schema} that questions are answered from, so it was not run; use only that database's tables.`;
}

function unrestricted(table: string, column: string, schema: string): string {
  return `This SQL reads information_schema.${table} without limiting it to the database ${schema}; add ${column.toUpperCase()} = DATABASE() to its WHERE, or ask about the tables themselves.`;
}

/** The conditions a WHERE or ON clause holds as a whole: its top-level AND chain. */
function conjuncts(condition: unknown): AstRecord[] {
  const node = asRecord(condition);
  if (node === null) return [];
  if (stringField(node, 'type') === 'binary_expr' && lower(String(node.operator)) === 'and') {
    return [...conjuncts(node.left), ...conjuncts(node.right)];
  }
  return [node];
}

/** `value` names the configured database: the string itself, or DATABASE() / SCHEMA(). */
function namesSchema(value: unknown, schema: string): boolean {
  const node = asRecord(value);
  if (node === null) return false;
  const type = stringField(node, 'type') ?? '';
  if (/string$/.test(type)) return node.value === schema;
  if (type === 'function') {
    const name = lower(functionName(node));
    const args = asRecord(node.args);
    const count = Array.isArray(args?.value) ? args.value.length : 0;
    return (name === 'database' || name === 'schema') && count === 0;
  }
  return false;
}

/** Whether one of `conditions` is `<qualifier>.<column> = <the configured database>`. */
function restricts(
  conditions: readonly AstRecord[],
  column: string,
  names: ReadonlySet<string>,
  schema: string,
): boolean {
  return conditions.some((condition) => {
    if (stringField(condition, 'type') !== 'binary_expr' || condition.operator !== '=') {
      return false;
    }
    const sides = [condition.left, condition.right];
    return sides.some((side, index) => {
      const ref = asRecord(side);
      if (ref === null || stringField(ref, 'type') !== 'column_ref') return false;
      if (lower(identifier(ref.column) ?? '') !== column) return false;
      const qualifier = identifier(ref.table);
      if (qualifier !== null && !names.has(lower(qualifier))) return false;
      return namesSchema(sides[1 - index], schema);
    });
  });
}

/** Checks one SELECT's FROM list; returns a refusal or null. */
function checkFrom(select: AstRecord, schema: string): string | null {
  const from = Array.isArray(select.from) ? select.from : [];
  const where = conjuncts(select.where);
  for (const entry of from) {
    const node = asRecord(entry);
    const db = node === null ? null : identifier(node.db);
    const table = node === null ? null : identifier(node.table);
    if (node === null || db === null || table === null || lower(db) !== 'information_schema') {
      continue;
    }
    const column = OWN_METADATA.get(lower(table));
    if (column === undefined) return outside(`information_schema.${table}`, schema);
    const alias = identifier(node.as);
    // Unqualified, the column can only be this table's when it is the only one in the FROM.
    const names = new Set([lower(alias ?? table)]);
    const conditions = [...where, ...conjuncts(node.on)];
    const qualified = restricts(conditions, column, names, schema);
    const bare = from.length === 1 && restricts(conditions, column, new Set(), schema);
    if (!qualified && !bare) return unrestricted(table, column, schema);
  }
  return null;
}

/**
 * Why the parsed statement reaches beyond `schema`, or null. Reads every schema-qualified
 * name in the tree (tables, columns, SHOW targets, stored functions) and the parser's table
 * list; `information_schema` passes only for the database's own metadata.
 */
export function findForeignSchema(
  statements: readonly AstRecord[],
  tableList: readonly string[],
  schema: string,
): string | null {
  // FROM entries, judged with their SELECT's WHERE (which is visited before them).
  const fromEntries = new WeakSet<object>();
  for (const node of astNodes(statements)) {
    const type = stringField(node, 'type');
    if (type === 'show' && lower(stringField(node, 'keyword') ?? '') === 'databases') {
      return `SHOW DATABASES lists databases other than ${schema}, which questions do not reach; use SHOW TABLES.`;
    }
    if (type === 'function') {
      // Stored functions of another database: `warehouse.stock_level(1)`.
      const parts = functionName(node).split('.');
      const qualifier =
        identifier(asRecord(node.name)?.schema) ?? (parts.length > 1 ? parts[0] : null);
      if (qualifier != null && qualifier !== schema) {
        return outside(`the function ${qualifier}.${parts.at(-1)}`, schema);
      }
    }
    const db = identifier(node.db);
    if (db !== null && db !== schema) {
      const table = identifier(node.table);
      const name = table === null ? db : `${db}.${table}`;
      // information_schema tables are judged with their WHERE, in checkFrom.
      if (lower(db) !== 'information_schema') return outside(name, schema);
      if (type !== 'column_ref' && !fromEntries.has(node)) return outside(name, schema);
    }
    if (Array.isArray(node.from)) {
      const refusal = checkFrom(node, schema);
      if (refusal !== null) return refusal;
      for (const entry of node.from) if (typeof entry === 'object' && entry) fromEntries.add(entry);
    }
  }
  for (const entry of tableList) {
    const [, db, table] = entry.split('::');
    if (db === undefined || db === 'null' || db === schema) continue;
    if (lower(db) === 'information_schema' && OWN_METADATA.has(lower(table ?? ''))) continue;
    return outside(`${db}.${table}`, schema);
  }
  return null;
}

/** The name an identifier token stands for: quotes removed, doubled quotes undone. */
function nameOf(sql: string, token: SqlToken): string {
  const text = tokenText(sql, token);
  if (token.kind !== 'quoted_identifier') return text;
  const close = text.at(-1) ?? '';
  return text.slice(1, -1).replaceAll(`${close}${close}`, close);
}

const isName = (token: SqlToken | undefined) =>
  token?.kind === 'word' || token?.kind === 'quoted_identifier';

// Words after which a dotted name is a table (`db.table`), not `alias.column`.
const TABLE_POSITIONS = new Set(['from', 'join', 'describe', 'desc', 'table', 'straight_join']);
// Words that end a FROM list, after which a comma no longer separates tables.
const FROM_LIST_ENDS = new Set([
  'where',
  'group',
  'having',
  'order',
  'limit',
  'union',
  'window',
  'on',
  'using',
  'select',
]);

/**
 * The same rule for SQL no grammar could read, from its tokens: a dotted name whose first part
 * is a system schema, a three-part name (always `db.table.column`), a dotted name where a table
 * stands (after FROM, JOIN, DESCRIBE, or a comma in a FROM list), and SHOW … FROM/IN a
 * database must all name `schema`; SHOW DATABASES is refused. Stricter than the AST rule:
 * information_schema is refused whole here, as no WHERE can be read.
 */
export function findForeignSchemaToken(
  sql: string,
  tokens: readonly SqlToken[],
  schema: string,
): string | null {
  const significant = tokens.filter(isSignificant);
  const words = significant.map((token) =>
    token.kind === 'word' ? lower(tokenText(sql, token)) : '',
  );
  const isDot = (index: number) => {
    const token = significant[index];
    return token?.kind === 'symbol' && tokenText(sql, token) === '.';
  };
  if (words[0] === 'show') {
    if (words[1] === 'databases' || words[1] === 'schemas') {
      return `SHOW DATABASES lists databases other than ${schema}, which questions do not reach; use SHOW TABLES.`;
    }
    // SHOW TABLES FROM db, SHOW TABLE STATUS IN db, SHOW COLUMNS FROM t FROM db: a bare name
    // after FROM/IN is a database wherever it is not the table of COLUMNS/INDEX/KEYS.
    const namesTable = ['columns', 'fields', 'index', 'indexes', 'keys'].some((word) =>
      words.slice(1, 3).includes(word),
    );
    let fromCount = 0;
    for (let index = 1; index < significant.length; index += 1) {
      if (words[index] !== 'from' && words[index] !== 'in') continue;
      fromCount += 1;
      const target = significant[index + 1];
      if (!isName(target) || isDot(index + 2)) continue;
      if ((!namesTable || fromCount > 1) && nameOf(sql, target as SqlToken) !== schema) {
        return outside(`the database ${nameOf(sql, target as SqlToken)}`, schema);
      }
    }
  }
  let inFromList = false;
  for (let index = 0; index < significant.length; index += 1) {
    const word = words[index] ?? '';
    if (word === 'from') inFromList = true;
    else if (FROM_LIST_ENDS.has(word) || word === 'join') inFromList = word === 'join';
    const token = significant[index] as SqlToken;
    if (!isName(token) || !isDot(index + 1) || !isName(significant[index + 2])) continue;
    // Only the first part of a dotted name: `a.b.c` is read once, at `a`.
    if (index > 0 && isDot(index - 1)) continue;
    const first = nameOf(sql, token);
    const second = nameOf(sql, significant[index + 2] as SqlToken);
    const threeParts = isDot(index + 3) && isName(significant[index + 4]);
    const previous = significant[index - 1];
    const afterComma = previous?.kind === 'symbol' && tokenText(sql, previous) === ',';
    const tablePosition = TABLE_POSITIONS.has(words[index - 1] ?? '') || (afterComma && inFromList);
    const system = SYSTEM_SCHEMAS.has(lower(first));
    if ((system || threeParts || tablePosition) && first !== schema) {
      return outside(`${first}.${second}`, schema);
    }
  }
  return null;
}
