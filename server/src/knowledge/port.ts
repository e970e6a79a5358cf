import type {
  AskChart,
  AskDetails,
  AskListQuery,
  AskRecord,
  AskSource,
  AskStatus,
  CalculatedField,
  CalculatedFieldInput,
  DataSourceInput,
  DataSourceUpdate,
  DataSourceView,
  DictionaryEntry,
  DictionaryEntryInput,
  DictionaryKind,
  Feedback,
  ImportMode,
  ImportReport,
  ImportRowError,
  Instruction,
  InstructionInput,
  Intent,
  ListQuery,
  Metric,
  MetricColumn,
  MetricInput,
  Page,
  Reason,
  Relationship,
  RelationshipInput,
  ResultSample,
  ReviewStatus,
  SchemaDescription,
  SemanticsUsed,
  SqlPair,
  SqlPairInput,
} from '@quarry/shared';

/** Paging and free-text search; `q` matches a substring of the resource's text fields. */
export type ListOptions = Partial<ListQuery>;

/**
 * List, read, create, change, remove. Failures are QuarryErrors: NOT_FOUND for an unknown id,
 * CONFLICT (with `context.fields` naming the field) when a unique value is taken.
 */
export interface CrudRepository<T, I> {
  list(options?: ListOptions): Promise<Page<T>>;
  get(id: number): Promise<T | undefined>;
  create(input: I): Promise<T>;
  update(id: number, input: I): Promise<T>;
  delete(id: number): Promise<void>;
}

/** One row of an import with its position in the file, for the report. */
export interface ImportRow<I> {
  row: number;
  input: I;
}

/** What a row check found: a refusal (the row is rejected) and/or warnings (it is written). */
export interface RowCheck {
  error?: Omit<ImportRowError, 'row'>;
  warnings?: Reason[];
}

export interface ImportRunOptions<I> {
  mode: ImportMode;
  /** Report what would happen; write nothing. */
  dryRun: boolean;
  /** Checks each row that would be written (new, or changed under `overwrite`). */
  check?: (input: I) => Promise<RowCheck>;
}

/**
 * Bulk transfer. `importMany` matches rows to stored ones by their natural key (normalized
 * question, abbreviation): new rows are created, differing ones updated, equal ones left
 * alone, so importing the same file twice changes nothing. A row that repeats an earlier
 * row's key is reported, not applied. Without options, rows that differ are overwritten.
 */
export interface Transferable<T, I> {
  importMany(rows: ImportRow<I>[], options?: ImportRunOptions<I>): Promise<ImportReport>;
  exportAll(): Promise<T[]>;
}

export type SqlPairRepository = CrudRepository<SqlPair, SqlPairInput> &
  Transferable<SqlPair, SqlPairInput> & {
    /**
     * Records the outcome of re-checking a pair's SQL (null: it passes). The revision moves
     * only when the outcome changed, so a broken pair leaves the samples at once.
     */
    setBroken(id: number, reason: Reason | null): Promise<void>;
  };
export type DictionaryRepository = CrudRepository<DictionaryEntry, DictionaryEntryInput> &
  Transferable<DictionaryEntry, DictionaryEntryInput>;

/**
 * Data sources users ask about. Views never carry a password; `getUrl` is the one way to the
 * real connection URL and is for the server's own connections only.
 */
export interface DataSourceRepository {
  list(options?: ListOptions): Promise<Page<DataSourceView>>;
  get(idOrName: number | string): Promise<DataSourceView | undefined>;
  create(input: DataSourceInput): Promise<DataSourceView>;
  /** A missing url keeps the stored one; a url whose password is `***` keeps the stored password. */
  update(idOrName: number | string, input: DataSourceUpdate): Promise<DataSourceView>;
  /** Refuses (BAD_REQUEST) to delete `default`. */
  delete(idOrName: number | string): Promise<void>;
  getUrl(name: string): Promise<string | undefined>;
  /**
   * Every data source's URL by name, opened; a URL sealed under another key is the error
   * `getUrl` would have thrown for it.
   */
  urls(): Promise<Map<string, string | Error>>;
  /** Makes `default` point at `url` (`DATABASE_URL` or the bundled demo database). */
  ensureDefault(url: string): Promise<void>;
  /** Encrypts URLs stored before encryption at rest; returns how many it sealed. */
  sealPlaintextUrls(): Promise<number>;
}

export interface AskCreate {
  /** Generated (uuid v4) when absent. */
  id?: string;
  question: string;
  source: AskSource;
  datasource: string;
  thread_id?: string | null;
  asked_by?: string | null;
  /** The asker's name as people read it, beside the stable `asked_by`. */
  asked_by_name?: string | null;
  status?: AskStatus;
}

export interface AskPatch {
  rephrased_question?: string | null;
  intent?: Intent | null;
  sql?: string | null;
  status?: AskStatus;
  row_count?: number | null;
  timings?: Record<string, number>;
  error_code?: string | null;
  error?: string | null;
  semantics_used?: SemanticsUsed | null;
  details?: AskDetails | null;
  review_status?: ReviewStatus | null;
  promoted_pair_id?: number | null;
  answer?: string | null;
  /** Stored with its spec when that fits the history's bound, else with `spec: null`. */
  chart?: AskChart | null;
  follow_ups?: string[] | null;
  result_sample?: ResultSample | null;
}

/**
 * One ask-history write of a batch: the row an ask starts with (its id and time chosen by the
 * caller, so a retried batch writes the same row), or the patch its outcome makes.
 */
export type AskWrite =
  | { kind: 'create'; record: AskCreate & { id: string; created_at: Date } }
  | { kind: 'update'; id: string; patch: AskPatch; at: Date };

/** An up-voted answer as the historical match needs it. */
export interface VerifiedAnswer {
  /** `questionKey(normalizeQuestion(question))`. */
  question_key: string;
  datasource: string;
  sql: string;
}

export interface ThreadTurnRecord {
  question: string;
  rephrased_question: string | null;
  sql: string | null;
}

/** Ask history: one record per ask from every entry point. */
export interface AskRepository {
  create(record: AskCreate): Promise<string>;
  /** NOT_FOUND for an unknown id. */
  update(id: string, patch: AskPatch): Promise<void>;
  /**
   * Applies `writes` in order in one transaction (prepared statements on SQLite, one multi-row
   * INSERT per 200 new asks on MySQL). A create whose id exists is skipped, so a batch whose
   * commit landed but whose answer was lost can be written again without duplicates. Resolves
   * with the indexes of the updates whose ask does not exist (skipped; the rest committed);
   * rejects with nothing written when the batch failed.
   */
  writeBatch(writes: readonly AskWrite[]): Promise<{ missing: number[] }>;
  get(id: string): Promise<AskRecord | undefined>;
  list(filters?: Partial<AskListQuery>): Promise<Page<AskRecord>>;
  delete(id: string): Promise<void>;
  recordFeedback(id: string, feedback: Feedback): Promise<AskRecord>;
  /** The last `limit` asks of a thread, oldest first, leaving out `excludeId` (the current ask). */
  threadTurns(threadId: string, limit: number, excludeId?: string): Promise<ThreadTurnRecord[]>;
  /** How many asks carry this thread id; 0 for a thread the history does not know. */
  countInThread(threadId: string): Promise<number>;
  /**
   * Every answer an asker verified: finished, up-voted, with SQL, not rejected by an admin,
   * and not a follow-up in a thread with earlier asks; newest (last updated) first. The
   * historical match indexes them with the SQL pairs (knowledge/verifiedQuestions.ts).
   */
  verifiedAnswers(): Promise<VerifiedAnswer[]>;
}

/**
 * Admin descriptions of tables and columns, per data source, and which of them are hidden from
 * the assistant; descriptions feed schema retrieval, hidden flags the access rules. Every
 * change moves the knowledge revision.
 */
export interface SchemaDescriptionRepository {
  list(datasource: string): Promise<SchemaDescription[]>;
  /** Every data source's entries, by data source, table and column. */
  all(): Promise<SchemaDescription[]>;
  /** Creates or replaces the description, keeping the hidden flag; `column` null is the table. */
  set(
    datasource: string,
    table: string,
    column: string | null,
    description: string,
  ): Promise<SchemaDescription>;
  /**
   * Changes what is given (an absent field keeps the stored value). An entry left with no
   * description and not hidden is removed: then the answer is undefined.
   */
  change(
    datasource: string,
    table: string,
    column: string | null,
    change: { description?: string | undefined; hidden?: boolean | undefined },
  ): Promise<SchemaDescription | undefined>;
  delete(datasource: string, table: string, column: string | null): Promise<void>;
}

/** Every definition of a data source's semantic layer, oldest first. */
export interface SemanticDefinitions {
  relationships: Relationship[];
  calculatedFields: CalculatedField[];
  metrics: Metric[];
}

export type SemanticKind = 'relationship' | 'calculated_field' | 'metric';

/**
 * The semantic layer an admin curates per data source. Inputs arrive validated (the API runs
 * them on the data source first) with `problem` null; `flag` records what a later validation
 * against a changed schema found wrong. Unique names are CONFLICT naming `name`.
 */
export interface SemanticLayerRepository {
  relationships(
    datasource: string,
  ): CrudRepository<Relationship, RelationshipInput & { problem: SemanticProblem | null }>;
  calculatedFields(
    datasource: string,
  ): CrudRepository<CalculatedField, CalculatedFieldInput & { problem: SemanticProblem | null }>;
  metrics(
    datasource: string,
  ): CrudRepository<
    Metric,
    MetricInput & { problem: SemanticProblem | null; columns: MetricColumn[] }
  >;
  load(datasource: string): Promise<SemanticDefinitions>;
  /** `load` of every data source that has definitions, in one read per kind. */
  loadAll(): Promise<Map<string, SemanticDefinitions>>;
  /** Sets (or clears, with null) a definition's problem; moves the revision when it changed a row. */
  flag(kind: SemanticKind, id: number, problem: SemanticProblem | null): Promise<void>;
}

export interface SettingsRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Stores `value` unless the key exists; returns what is stored afterwards (race-safe). */
  setIfAbsent(key: string, value: string): Promise<string>;
  delete(key: string): Promise<void>;
}

export interface AbbreviationDictionaries {
  department: Map<string, string>;
  project: Map<string, string>;
  /** Per kind, abbreviation → the `table.column` names a scoped entry applies to. */
  columns?: Record<DictionaryKind, Map<string, string[]>>;
}

/**
 * Quarry's own database (`APP_DATABASE_URL`): what admins teach, data sources, ask history,
 * settings. Promises: every write is visible to the next read in any process sharing the
 * database (no cache outlives a write elsewhere); unique values are reported as CONFLICT;
 * the schema is migrated on open. Leaves out: input validation beyond what the database
 * enforces (the API's zod schemas do that), embeddings and retrieval ranking.
 */
/** What a definition's last validation found wrong: in English, and as a reason code. */
export interface SemanticProblem {
  message: string;
  reason: Reason;
}

export interface KnowledgeStore {
  sqlPairs: SqlPairRepository;
  instructions: CrudRepository<Instruction, InstructionInput>;
  dictionaries: Record<DictionaryKind, DictionaryRepository>;
  datasources: DataSourceRepository;
  asks: AskRepository;
  /**
   * Department and project maps (abbreviation → full name) for the dictionary rewrite, read
   * now (asks read them from the knowledge snapshot).
   */
  abbreviationDictionaries(): Promise<AbbreviationDictionaries>;
  /**
   * Bumped after every change to pairs, instructions, dictionaries, schema descriptions, the
   * semantic layer, data sources, or what asks verify (ratings, reviews).
   */
  revision(): Promise<number>;
  /**
   * Calls `listener` after each write through this store that moved the revision (writes by
   * other processes are not seen here); returns a function that stops the calls.
   */
  onRevision(listener: () => void): () => void;
  settings: SettingsRepository;
  schemaDescriptions: SchemaDescriptionRepository;
  semantics: SemanticLayerRepository;
  close(): Promise<void>;
}
