import type { SqlDialect } from '../ports.js';
import { type AstRecord, asRecord, astNodes, stringField } from './parser.js';

// Statement kinds node-sql-parser produces (or may, in later versions) that are not plain
// reads, with the words a user would recognise. Any of them anywhere in the tree is refused.
const STATEMENT_NAMES: Record<string, string> = {
  insert: 'INSERT',
  replace: 'REPLACE',
  update: 'UPDATE',
  delete: 'DELETE',
  merge: 'MERGE',
  create: 'CREATE',
  drop: 'DROP',
  alter: 'ALTER',
  truncate: 'TRUNCATE',
  rename: 'RENAME',
  set: 'SET',
  call: 'CALL',
  exec: 'EXEC',
  execute: 'EXECUTE',
  prepare: 'PREPARE',
  deallocate: 'DEALLOCATE',
  declare: 'DECLARE',
  lock: 'LOCK TABLES',
  unlock: 'UNLOCK TABLES',
  grant: 'GRANT',
  revoke: 'REVOKE',
  load_data: 'LOAD DATA',
  attach: 'ATTACH',
  detach: 'DETACH',
  use: 'USE',
  transaction: 'a transaction statement',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  flush: 'FLUSH',
  kill: 'KILL',
  analyze: 'ANALYZE',
  optimize: 'OPTIMIZE',
  repair: 'REPAIR',
  handler: 'HANDLER',
  do: 'DO',
  vacuum: 'VACUUM',
  pragma: 'PRAGMA',
  reindex: 'REINDEX',
  comment: 'COMMENT',
  copy: 'COPY',
  if: 'IF',
  go: 'GO',
  proc: 'a procedure',
  show: 'SHOW',
  desc: 'DESCRIBE',
  explain: 'EXPLAIN',
};

/**
 * Functions that sleep, take locks, touch files or the OS, run SQL of their own, or change
 * session or sequence state. Matched on the last part of the name, case-insensitively.
 */
export const DENIED_FUNCTIONS: ReadonlySet<string> = new Set([
  // time bombs and locks
  'sleep',
  'benchmark',
  'get_lock',
  'release_lock',
  'release_all_locks',
  'is_free_lock',
  'is_used_lock',
  'master_pos_wait',
  'source_pos_wait',
  'master_gtid_wait',
  'wait_for_executed_gtid_set',
  'wait_until_sql_thread_after_gtids',
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  'waitfor',
  'pg_advisory_lock',
  'pg_advisory_lock_shared',
  'pg_advisory_xact_lock',
  'pg_advisory_xact_lock_shared',
  'pg_try_advisory_lock',
  'pg_try_advisory_lock_shared',
  'pg_try_advisory_xact_lock',
  'pg_try_advisory_xact_lock_shared',
  'pg_advisory_unlock',
  'pg_advisory_unlock_shared',
  'pg_advisory_unlock_all',
  // files, the OS, extensions
  'load_file',
  'sys_exec',
  'sys_eval',
  'sys_get',
  'sys_set',
  'load_extension',
  'readfile',
  'writefile',
  'edit',
  'fsdir',
  'zipfile',
  'fts3_tokenizer',
  'eval',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_dir',
  'lo_import',
  'lo_export',
  'dblink',
  'xp_cmdshell',
  'pg_stat_file',
  'pg_ls_logdir',
  'pg_ls_waldir',
  'pg_ls_tmpdir',
  'pg_ls_archive_statusdir',
  'pg_file_write',
  'pg_file_rename',
  'pg_file_unlink',
  'lo_get',
  'lo_put',
  'lo_create',
  'lo_creat',
  'lo_unlink',
  'lo_open',
  'lo_from_bytea',
  'lowrite',
  'dblink_exec',
  'dblink_connect',
  'dblink_send_query',
  // PostgreSQL functions that run SQL of their own (or read a whole named table or schema),
  // past every check made on the statement that calls them
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'table_to_xml',
  'table_to_xmlschema',
  'table_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  // other sessions and the server itself
  'pg_cancel_backend',
  'pg_terminate_backend',
  'pg_reload_conf',
  'pg_rotate_logfile',
  'pg_notify',
  'pg_switch_wal',
  'pg_create_restore_point',
  'pg_promote',
  'pg_logical_emit_message',
  'pg_create_physical_replication_slot',
  'pg_create_logical_replication_slot',
  'pg_drop_replication_slot',
  'pg_stat_get_activity',
  'pg_stat_reset',
  'pg_stat_reset_shared',
  // session and sequence state
  'last_insert_id',
  'nextval',
  'setval',
  'lastval',
  'set_config',
]);

/** How every refusal of a statement kind begins, whichever layer refused it. */
export const ONLY_SELECT = 'Only one read-only SELECT statement may run';

/** Reached something refused; `what` completes "this SQL contains …". */
export class Refusal {
  constructor(readonly what: string) {}
}

/** The dotted name of a function node, e.g. `SLEEP` or `mysql.sleep`. */
export function functionName(node: AstRecord): string {
  const name = node.name;
  if (typeof name === 'string') return name;
  const parts = asRecord(name)?.name;
  if (!Array.isArray(parts)) return '';
  return parts
    .map((part) => {
      const value = asRecord(part)?.value;
      return typeof value === 'string' ? value : '';
    })
    .join('.');
}

function checkInto(into: unknown): Refusal | null {
  const node = asRecord(into);
  if (node === null) return null;
  const keyword = stringField(node, 'keyword');
  if (keyword === undefined && node.position == null && node.expr == null) return null;
  const upper = keyword?.toUpperCase();
  return upper === 'OUTFILE' || upper === 'DUMPFILE'
    ? new Refusal(`SELECT … INTO ${upper}, which writes a file on the database server`)
    : new Refusal('SELECT … INTO, which stores the result instead of returning it');
}

function checkNode(node: AstRecord): Refusal | null {
  const type = stringField(node, 'type')?.toLowerCase();
  if (type !== undefined) {
    // ORDER BY items carry `type: 'DESC'` too; DESCRIBE only ever stands at the top level.
    const statement = type === 'desc' ? undefined : STATEMENT_NAMES[type];
    if (statement !== undefined) return new Refusal(statement);
    if (type === 'assign') return new Refusal('a variable assignment (:=)');
    if (type === 'into') return checkInto(node);
    if (type === 'function' || type === 'aggr_func') {
      const name = functionName(node);
      const last = name.split('.').pop()?.toLowerCase() ?? '';
      if (DENIED_FUNCTIONS.has(last)) return new Refusal(`the function ${name.toUpperCase()}`);
    }
  }
  const intoRefusal = checkInto(node.into);
  if (intoRefusal !== null) return intoRefusal;
  for (const key of ['locking_read', 'for_update', 'lock']) {
    const lock = node[key];
    if (lock != null && lock !== false && type === 'select') {
      const text = typeof lock === 'string' ? lock : 'FOR UPDATE';
      return new Refusal(`a locking read (${text.toUpperCase()})`);
    }
  }
  return null;
}

/**
 * Walks every node under `root` — select lists, joins, CTE bodies, subqueries, UNION
 * branches, window definitions — and returns the first construct that is not a plain read.
 * The walk is generic rather than per-clause so a clause the parser adds later is still seen.
 */
export function findUnsafeConstruct(root: AstRecord): Refusal | null {
  for (const node of astNodes([root])) {
    const refusal = checkNode(node);
    if (refusal !== null) return refusal;
  }
  return null;
}

// SHOW forms that only describe the schema. PROCESSLIST, GRANTS, BINLOG and the like expose
// other sessions or server internals and are refused.
const ALLOWED_SHOW = new Set(['tables', 'databases', 'columns', 'index', 'indexes', 'keys']);

/**
 * Refusal for a top-level statement kind, or null when it may run: SELECT (incl. WITH and
 * UNION) everywhere; on MySQL also schema-describing SHOW, DESCRIBE and EXPLAIN SELECT
 * (PostgreSQL's SHOW reads server settings, so it is refused there).
 */
export function checkStatementKind(statement: AstRecord, dialect: SqlDialect): Refusal | null {
  const type = stringField(statement, 'type')?.toLowerCase() ?? '';
  if (type === 'select') return null;
  if (dialect === 'mysql') {
    if (type === 'desc') return null;
    if (type === 'explain') {
      const inner = asRecord(statement.expr);
      return inner !== null && stringField(inner, 'type') === 'select'
        ? null
        : new Refusal('EXPLAIN of something other than SELECT');
    }
    if (type === 'show') {
      const keyword = stringField(statement, 'keyword')?.toLowerCase() ?? '';
      const suffix = stringField(statement, 'suffix')?.toLowerCase() ?? '';
      if (ALLOWED_SHOW.has(keyword)) return null;
      if (keyword === 'create' && (suffix === 'table' || suffix === 'view')) return null;
      return new Refusal(`SHOW ${[keyword, suffix].filter(Boolean).join(' ').toUpperCase()}`);
    }
  }
  return new Refusal(STATEMENT_NAMES[type] ?? (type.toUpperCase() || 'an unknown statement'));
}
