import type { CellValue, ResultRow } from '@quarry/shared';

/* ---------------------------------------------------------------- LLM ---- */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Defaults to 0: SQL wants determinism. */
  temperature?: number;
  /** Ask the model for a JSON object (`response_format: json_object`). */
  json?: boolean;
  /** Cancels the call; the promise/iterator then rejects with a STOPPED QuarryError. */
  signal?: AbortSignal;
}

/**
 * A chat model behind an OpenAI-compatible endpoint.
 * Promises: time-outs, retries with back-off on 429/5xx/network errors before any token was
 * received, and failures as QuarryError `LLM_UNAVAILABLE` (or `LLM_NOT_CONFIGURED` when no
 * endpoint is configured, `STOPPED` when aborted). Leaves out: prompt building, parsing.
 */
export interface LlmClient {
  /** Whole completion as one string. */
  complete(request: ChatRequest): Promise<string>;
  /** Completion as content deltas, in order, as the model produces them. */
  stream(request: ChatRequest): AsyncIterable<string>;
}

/**
 * Text embeddings (`EMBEDDING_MODEL`). Promises one vector per input, in input order, with the
 * same error behaviour as LlmClient. Leaves out: caching and similarity search.
 */
export interface Embedder {
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/* ---------------------------------------------------------- data sources ---- */

export type SqlDialect = 'mysql' | 'sqlite' | 'postgres';

export interface QueryOptions {
  /** At most this many rows are returned; `capped` tells whether more existed. */
  rowLimit: number;
  /**
   * At most about this many bytes of rows (as JSON) are returned, whole rows only; `capped`
   * tells whether more existed. Unlimited when absent.
   */
  maxBytes?: number;
  /** Wall-clock limit; on expiry the query is killed on the server too. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What the database engine itself makes of a statement it compiled. */
export interface EngineVerdict {
  /** The SQL the engine will run (differs only where Quarry spelled a legacy form out). */
  sql: string;
  /** The engine's verdict: running it cannot change the database. */
  readOnly: boolean;
  /**
   * Relations the engine's plan reads outside the data source's own schema (system catalogs,
   * other schemas), as `schema.table`; absent where the engine does not say.
   */
  foreignRelations?: string[];
}

export interface QueryResult {
  columns: string[];
  rows: ResultRow[];
  capped: boolean;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  comment?: string;
  /** A calculated field of the semantic layer: Quarry writes the expression out before running. */
  calculated?: { expression: string };
}

export interface ForeignKeyInfo {
  column: string;
  referencedTable: string;
  referencedColumn: string;
}

/** A join condition an admin defined in the semantic layer (the database declares none). */
export interface RelationshipInfo {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  kind: 'many_to_one' | 'one_to_many' | 'one_to_one';
}

export interface TableInfo {
  name: string;
  comment?: string;
  columns: ColumnInfo[];
  foreignKeys: ForeignKeyInfo[];
  /** Semantic-layer relationships from this table; absent when there are none. */
  relationships?: RelationshipInfo[];
  /** Set when the "table" is a metric of the semantic layer: Quarry inlines its SQL as a CTE. */
  metric?: { sql: string };
}

/**
 * A database users ask about. Promises: every statement runs read-only (a read-only SQLite
 * handle; a MySQL or PostgreSQL session in a read-only transaction), within QueryOptions' limits, with
 * values normalised to JSON-safe cells (dates as strings, big integers as numbers or strings).
 * Failures are QuarryErrors: `SQL_EXECUTION_FAILED` (the database's own message),
 * `DRY_RUN_FAILED`, `DATASOURCE_UNAVAILABLE` (cannot connect), `STOPPED`. A lost connection
 * is re-established for the next call. Leaves out: deciding whether SQL is safe (the guard does).
 */
export interface DataSource {
  readonly dialect: SqlDialect;
  /**
   * The schema questions read (MySQL: the URL's database): the guard refuses SQL naming any
   * other. Absent where SQL cannot reach beyond the data source anyway (SQLite).
   */
  readonly schema?: string;
  execute(sql: string, options: QueryOptions): Promise<QueryResult>;
  /** Checks the SQL compiles against the schema without running it (EXPLAIN / prepare). */
  dryRun(sql: string, signal?: AbortSignal): Promise<void>;
  /**
   * Where the engine can judge a statement before running it (SQLite compiles it): the SQL as
   * the engine will run it and the engine's own verdict on whether it only reads. Serves as the
   * dry run too: a statement that does not compile fails with `DRY_RUN_FAILED`. Absent where
   * the engine gives no such verdict (MySQL: its read-only transaction decides at run time).
   * PostgreSQL answers from its plan (EXPLAIN inside the read-only transaction).
   */
  inspect?(sql: string, signal?: AbortSignal): Promise<EngineVerdict>;
  describe(): Promise<TableInfo[]>;
  /** A few distinct values of a column, for schema hints; [] when unavailable. */
  sampleValues(table: string, column: string, limit: number): Promise<CellValue[]>;
  close(): Promise<void>;
}
