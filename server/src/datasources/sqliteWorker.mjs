// The child process one SQLite data source runs its queries in. better-sqlite3 is
// synchronous and cannot be interrupted (not even by worker.terminate()), so a runaway query
// is stopped by killing this process; the parent (sqlite.ts) starts a fresh one on demand.
// Plain JS so it runs under plain node, tsx and vitest alike.
import Database from 'better-sqlite3';
import { createByteBudget } from './resultSize.mjs';

/**
 * @typedef {{ id: number, mode: 'query' | 'prepare', sql: string, rowLimit: number, maxBytes?: number }} Request
 * @typedef {{ id: number, ok: true, columns: string[], rows: unknown[][], capped: boolean, readOnly: boolean, compiled: boolean }
 *   | { id: number, ok: false, message: string, code?: string, unavailable: boolean }} Reply
 */

// SQLite's own verdict (sqlite3_stmt_readonly) on a statement it compiled: the authority on
// whether running it could change the database, whatever any parser made of the text.
const NOT_READ_ONLY = 'QUARRY_NOT_READ_ONLY';

/** @type {import('better-sqlite3').Database | undefined} */
let db;
/** @type {string | undefined} */
let openFailure;
try {
  db = new Database(process.argv[2] ?? '', { readonly: true, fileMustExist: true });
  // query_only also refuses TEMP tables, which a read-only handle would still allow.
  db.pragma('query_only = ON');
  db.defaultSafeIntegers(true);
} catch (error) {
  openFailure = error instanceof Error ? error.message : String(error);
}

// Statements this connection compiled, by their text, most recently used last: an ask's dry
// run compiles its SQL and its run steps that same statement. All are dropped when the schema
// changes, so no statement outlives the schema it was compiled against.
const COMPILED_LIMIT = 16;
/** @type {Map<string, import('better-sqlite3').Statement>} */
const compiled = new Map();
/** @type {unknown} */
let compiledForSchema;

/**
 * The statement for `sql`, compiled now or earlier against the same schema.
 * @param {import('better-sqlite3').Database} database @param {string} sql
 */
function compile(database, sql) {
  const schema = database.pragma('schema_version', { simple: true });
  if (schema !== compiledForSchema) {
    compiled.clear();
    compiledForSchema = schema;
  }
  const cached = compiled.get(sql);
  compiled.delete(sql);
  const statement = cached ?? database.prepare(sql);
  compiled.set(sql, statement);
  if (compiled.size > COMPILED_LIMIT) compiled.delete(compiled.keys().next().value ?? '');
  return { statement, fresh: cached === undefined };
}

/** @param {Request} request @returns {Reply} */
function handle(request) {
  if (!db) return { id: request.id, ok: false, message: openFailure ?? '', unavailable: true };
  try {
    // Compiling alone trusts the connection's cached schema; a step that reads the schema
    // first notices another connection's change (a dropped column), so a dry run sees it.
    if (request.mode === 'prepare') db.prepare('SELECT count(*) FROM sqlite_master').get();
    const { statement, fresh } = compile(db, request.sql);
    const readOnly = statement.readonly;
    if (request.mode === 'prepare')
      return {
        id: request.id,
        ok: true,
        columns: [],
        rows: [],
        capped: false,
        readOnly,
        compiled: fresh,
      };
    // Nothing that SQLite says could write is ever stepped, on any path into this process.
    if (!readOnly || !statement.reader) {
      return {
        id: request.id,
        ok: false,
        message: 'SQLite reports that this statement is not a read-only query, so it was not run.',
        code: NOT_READ_ONLY,
        unavailable: false,
      };
    }
    statement.raw(true);
    const columns = statement.columns().map((column) => column.name);
    /** @type {unknown[][]} */
    const rows = [];
    // Counted under the names as SQLite gives them; a repeated name later gains a `_2`.
    const budget =
      request.maxBytes === undefined ? undefined : createByteBudget(columns, request.maxBytes);
    let capped = false;
    for (const row of statement.iterate()) {
      const values = /** @type {unknown[]} */ (row);
      if (rows.length === request.rowLimit || (budget !== undefined && !budget.fits(values))) {
        capped = true;
        break;
      }
      rows.push(values);
    }
    return { id: request.id, ok: true, columns, rows, capped, readOnly, compiled: fresh };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = /** @type {{ code?: string }} */ (error).code;
    return { id: request.id, ok: false, message, code, unavailable: false };
  }
}

process.on('message', (request) => process.send?.(handle(/** @type {Request} */ (request))));
// An orphan must not outlive the server that started it.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
