import { redactUrl } from '../logger.js';
import type { DataSource, EngineVerdict, TableInfo } from '../ports.js';
import type { DataSourceDeps } from './index.js';
import {
  createPostgresSession,
  type PostgresTarget,
  quotePostgresIdentifier,
} from './postgresSession.js';
import { catalogueTables, sessionDataSource } from './session.js';
import { readServerUrl } from './url.js';

// libpq's sslmode spellings: `require` encrypts without checking the certificate, as libpq does.
const SSL_MODES: Record<string, PostgresTarget['ssl']> = {
  disable: false,
  allow: false,
  prefer: false,
  require: { rejectUnauthorized: false },
  'verify-ca': { rejectUnauthorized: true },
  'verify-full': { rejectUnauthorized: true },
};

/**
 * Reads `postgres://user:pass@host:port/db` (or `postgresql://…`) with the optional parameters
 * `schema` (default `public`), `sslmode` (`disable`, `require`, `verify-full`), `pool_size` and
 * `pool_idle_ms`; throws INVALID_DATASOURCE_URL (the URL itself) or DATASOURCE_UNAVAILABLE (a
 * parameter) naming what is wrong.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  const { server, params, invalid } = readServerUrl(
    url,
    'postgres',
    'postgres://user:pass@host:port/db?schema=public',
  );
  const sslmode = params.get('sslmode') ?? 'disable';
  const ssl = SSL_MODES[sslmode];
  if (ssl === undefined) {
    throw invalid(`has sslmode=${sslmode}; use disable, require or verify-full`);
  }
  const schema = params.get('schema') ?? 'public';
  if (!schema.trim()) throw invalid('has an empty schema');
  return { ...server, schema, ssl };
}

// Long type names cost prompt tokens and read worse than the short ones everyone writes.
const SHORT_TYPES: [RegExp, string][] = [
  [/^character varying/, 'varchar'],
  [/^character\b/, 'char'],
  [/^timestamp(\(\d+\))? without time zone$/, 'timestamp$1'],
  [/^timestamp(\(\d+\))? with time zone$/, 'timestamptz$1'],
  [/^time(\(\d+\))? without time zone$/, 'time$1'],
  [/^double precision$/, 'float8'],
];

function shortType(type: string): string {
  return SHORT_TYPES.reduce((name, [long, short]) => name.replace(long, short), type);
}

/** Plan nodes that write or lock rows; EXPLAIN shows them without running anything. */
const WRITING_NODES = new Set(['ModifyTable', 'LockRows']);

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  'Function Name'?: string;
  Schema?: string;
  Plans?: PlanNode[];
}

/**
 * Built-in set-returning functions that only turn their arguments into rows. Any other
 * function read in FROM from outside the schema is treated like a catalog table: the catalog
 * views over functions (pg_settings, pg_stat_activity…) would otherwise plan as no relation.
 */
const ROW_FUNCTIONS = new Set([
  'generate_series',
  'generate_subscripts',
  'unnest',
  'regexp_matches',
  'regexp_split_to_table',
  'string_to_table',
  'json_each',
  'json_each_text',
  'jsonb_each',
  'jsonb_each_text',
  'json_array_elements',
  'json_array_elements_text',
  'jsonb_array_elements',
  'jsonb_array_elements_text',
  'json_object_keys',
  'jsonb_object_keys',
  'json_to_record',
  'json_to_recordset',
  'jsonb_to_record',
  'jsonb_to_recordset',
  'json_populate_record',
  'json_populate_recordset',
  'jsonb_populate_record',
  'jsonb_populate_recordset',
  'jsonb_path_query',
]);

/**
 * What a plan does: whether any node writes or locks, and what it reads from outside
 * `schema` (relations as `schema.table`, functions in FROM as `schema.name()`).
 */
function readPlan(plan: PlanNode, schema: string) {
  let writes = false;
  const foreign: string[] = [];
  const stack = [plan];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const type = node['Node Type'] ?? '';
    if (WRITING_NODES.has(type)) writes = true;
    const relation = node['Relation Name'];
    const owner = node.Schema ?? '';
    if (relation !== undefined && owner !== schema) foreign.push(`${owner}.${relation}`);
    if (type === 'Function Scan') {
      const name = node['Function Name'];
      // ROWS FROM (f(), g()) names no single function: judged as unknown.
      if (name === undefined) foreign.push('ROWS FROM (…)');
      else if (owner !== schema && !(owner === 'pg_catalog' && ROW_FUNCTIONS.has(name))) {
        foreign.push(`${owner}.${name}()`);
      }
    }
    stack.push(...(node.Plans ?? []));
  }
  return { writes, foreign };
}

/**
 * A PostgreSQL database as a DataSource, from a `postgres://` URL. Questions are answered from
 * one schema; every call runs in a read-only transaction with a server-side statement time limit
 * (see PostgresSession). `inspect` gives the engine's verdict from the statement's plan: whether
 * it writes or locks, and which relations outside the schema it reads.
 */
export function createPostgresDataSource(url: string, deps: DataSourceDeps): DataSource {
  const target = parsePostgresUrl(url);
  const logger = deps.logger.child({ datasource: redactUrl(url) });
  const session = createPostgresSession(target, logger);
  const schema = target.schema;

  const { internalQuery, explain, ...common } = sessionDataSource(session, {
    quote: quotePostgresIdentifier,
    logger,
    dryRunTimeoutMs: deps.queryTimeoutMs,
  });

  async function describe(): Promise<TableInfo[]> {
    // Tables, views, materialized views, partitioned and foreign tables; not the partitions.
    const relations = `c.relkind IN ('r', 'v', 'm', 'p', 'f') AND NOT c.relispartition`;
    const tables = await internalQuery(
      `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND ${relations} ORDER BY c.relname`,
      [schema],
    );
    const columns = await internalQuery(
      `SELECT c.relname AS table_name, a.attname AS name,
              pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
              col_description(c.oid, a.attnum) AS comment,
              EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                      WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary_key
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND ${relations} AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`,
      [schema],
    );
    // Keys into other schemas are left out: the model can only read this one.
    const foreignKeys = await internalQuery(
      `SELECT c.relname AS table_name, a.attname AS column_name,
              r.relname AS referenced_table, ra.attname AS referenced_column
       FROM pg_catalog.pg_constraint k
       JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_class r ON r.oid = k.confrelid AND r.relnamespace = c.relnamespace
       CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS pair(attnum, refnum, position)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = pair.attnum
       JOIN pg_catalog.pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = pair.refnum
       WHERE k.contype = 'f' AND n.nspname = $1
       ORDER BY c.relname, k.conname, pair.position`,
      [schema],
    );
    return catalogueTables(
      { tables, columns, foreignKeys },
      {
        comment: (row) => (row.comment ? String(row.comment) : undefined),
        column: (row) => ({
          name: String(row.name),
          type: shortType(String(row.type)),
          nullable: row.nullable === true,
          primaryKey: row.primary_key === true,
          ...(row.comment ? { comment: String(row.comment) } : {}),
        }),
      },
    );
  }

  return {
    dialect: 'postgres',

    ...common,

    async dryRun(sql, signal) {
      // EXPLAIN plans the statement (every table, column and type resolved) without running it.
      await explain('EXPLAIN (FORMAT JSON)', sql, signal);
    },

    async inspect(sql, signal): Promise<EngineVerdict> {
      const raw = await explain('EXPLAIN (VERBOSE, FORMAT JSON)', sql, signal);
      const document = raw.rows[0]?.[0];
      const plans = (typeof document === 'string' ? JSON.parse(document) : document) as {
        Plan: PlanNode;
      }[];
      let writes = false;
      const foreign = new Set<string>();
      for (const { Plan } of plans) {
        const plan = readPlan(Plan, schema);
        writes ||= plan.writes;
        for (const relation of plan.foreign) foreign.add(relation);
      }
      return { sql, readOnly: !writes, foreignRelations: [...foreign] };
    },

    describe,
  };
}
