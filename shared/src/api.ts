import { z } from 'zod';
import { parseDataSourceUrl } from './dataSourceUrl.js';
import type { ErrorCode } from './errorCodes.js';
import type { ChartKind, Intent, SqlRewrite, VegaLiteSpec } from './events.js';
import type { AskDetails, ResultSample } from './jobs.js';
import type { Reason } from './reasons.js';
import type { AskStatus } from './status.js';
import { ASK_STATUSES } from './status.js';
import { ASK_SOURCES, type AskSource, MAX_QUESTION_CHARS } from './wire.js';

/* Bodies and answers of the admin API (`/api/*`), shared by the server and the console. */

/** Longest SQL accepted in a SQL pair or preview, in characters (fits a MySQL TEXT column). */
export const MAX_SQL_CHARS = 16_000;
export const MAX_PAGE_SIZE = 500;

/** A zod `error` option that tells a missing field from a wrongly typed one. */
const typeError = (field: string, type: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `${field} is required` : `${field} must be ${type}`;

const text = (field: string, max: number) =>
  z
    .string({ error: typeError(field, 'a string') })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

/** Lower-case so names compare the same on MySQL (case-insensitive) and SQLite (case-sensitive). */
export const dataSourceNameSchema = z
  .string({ error: typeError('name', 'a string') })
  .trim()
  .regex(
    /^[a-z][a-z0-9_-]{0,63}$/,
    'name must start with a lower-case letter and use only a-z, 0-9, _ and - (at most 64)',
  );

export const dataSourceUrlSchema = z
  .string({ error: typeError('url', 'a string') })
  .trim()
  .max(2000, 'url must be at most 2000 characters')
  .superRefine((url, context) => {
    const reading = parseDataSourceUrl(url);
    if (!reading.ok) {
      // The console says `bad_url` in the admin's language; the message says exactly why.
      context.addIssue({
        code: 'custom',
        message: `url ${reading.reason}`,
        params: { reason: 'bad_url' },
      });
    }
  });

export const sqlPairInputSchema = z.object({
  question: text('question', MAX_QUESTION_CHARS),
  sql: text('sql', MAX_SQL_CHARS),
  /** The data source the SQL was written for. */
  datasource: dataSourceNameSchema.default('default'),
});
export type SqlPairInput = z.infer<typeof sqlPairInputSchema>;

export const INSTRUCTION_SCOPES = ['global', 'matched'] as const;
export type InstructionScope = (typeof INSTRUCTION_SCOPES)[number];

export const instructionInputSchema = z
  .object({
    text: text('text', 10_000),
    scope: z.enum(INSTRUCTION_SCOPES, { error: typeError('scope', '"global" or "matched"') }),
    questions: z
      .array(text('each question', 500), { error: 'questions must be a list' })
      .max(20, 'questions must have at most 20 entries')
      .default([]),
  })
  .refine((value) => value.scope !== 'matched' || value.questions.length > 0, {
    path: ['questions'],
    message: 'a "matched" instruction needs at least one question it applies to',
    params: { reason: 'matched_needs_question' },
  });
export type InstructionInput = z.infer<typeof instructionInputSchema>;

export const DICTIONARY_KINDS = ['department', 'project'] as const;
export type DictionaryKind = (typeof DICTIONARY_KINDS)[number];

/** `table.column`, as a dictionary entry names the columns it applies to. */
const qualifiedColumn = z
  .string({ error: typeError('columns', 'a list of table.column names') })
  .trim()
  .refine((name) => /^[^.\s]+\.[^.\s]+$/.test(name), {
    message: 'columns must name table.column, e.g. departments.name',
    params: { reason: 'bad_column_name' },
  });

export const dictionaryEntryInputSchema = z.object({
  abbreviation: text('abbreviation', 128),
  full_name: text('full_name', 512),
  /**
   * The columns whose compared literals the entry rewrites (`departments.name`); empty means
   * every string literal, as before columns existed.
   */
  columns: z.preprocess(
    // A CSV cell lists them separated by spaces, commas or semicolons.
    (value) =>
      typeof value === 'string' ? value.split(/[\s,;]+/).filter((name) => name !== '') : value,
    z
      .array(qualifiedColumn, { error: 'columns must be a list of table.column names' })
      .max(20, 'columns must have at most 20 entries')
      .default([]),
  ),
});
/** An entry to store; `columns` absent means none (every string literal). */
export type DictionaryEntryInput = Omit<z.infer<typeof dictionaryEntryInputSchema>, 'columns'> & {
  columns?: string[] | undefined;
};

export const dataSourceInputSchema = z.object({
  name: dataSourceNameSchema,
  url: dataSourceUrlSchema,
  description: z
    .string({ error: 'description must be a string' })
    .trim()
    .max(2000, 'description must be at most 2000 characters')
    .optional(),
});
export type DataSourceInput = z.infer<typeof dataSourceInputSchema>;

/** `PUT /api/datasources/:id`: a missing url keeps the stored one (the console never sees it). */
export const dataSourceUpdateSchema = dataSourceInputSchema.partial();
export type DataSourceUpdate = z.infer<typeof dataSourceUpdateSchema>;

export const testConnectionSchema = z
  .object({ url: dataSourceUrlSchema.optional(), name: dataSourceNameSchema.optional() })
  .refine((value) => value.url !== undefined || value.name !== undefined, {
    path: ['url'],
    message: 'url is required (or the name of a stored data source)',
    params: { reason: 'url_or_name_required' },
  });

export const schemaDescriptionInputSchema = z
  .object({
    table: text('table', 128),
    /** Absent, null or empty describes the table itself. */
    column: z
      .string({ error: 'column must be a string' })
      .trim()
      .max(128, 'column must be at most 128 characters')
      .nullish()
      .transform((value) => (value ? value : null)),
    /** Empty removes the description; absent keeps the stored one. */
    description: z
      .string({ error: 'description must be a string' })
      .trim()
      .max(4000, 'description must be at most 4000 characters')
      .optional(),
    /**
     * Hidden from the assistant: left out of the schema the model sees and refused in its SQL.
     * Absent keeps the stored flag.
     */
    hidden: z.boolean({ error: 'hidden must be true or false' }).optional(),
  })
  .refine((value) => value.description !== undefined || value.hidden !== undefined, {
    path: ['description'],
    message: 'description is required (or hidden, to hide or show the table or column)',
    params: { reason: 'description_or_hidden' },
  });
export type SchemaDescriptionInput = z.infer<typeof schemaDescriptionInputSchema>;

export const sqlBodySchema = z.object({
  sql: text('sql', MAX_SQL_CHARS),
  datasource: dataSourceNameSchema.optional(),
});

export const FEEDBACK_RATINGS = ['up', 'down'] as const;
export type FeedbackRating = (typeof FEEDBACK_RATINGS)[number];

export const feedbackSchema = z.object({
  rating: z.enum(FEEDBACK_RATINGS, { error: typeError('rating', '"up" or "down"') }),
  comment: z
    .string({ error: 'comment must be a string' })
    .trim()
    .max(2000, 'comment must be at most 2000 characters')
    .optional(),
});
export type Feedback = z.infer<typeof feedbackSchema>;

export const promoteSchema = z.object({
  question: text('question', MAX_QUESTION_CHARS).optional(),
  /** The SQL to keep when an admin edited it; the ask's own SQL otherwise. */
  sql: text('sql', MAX_SQL_CHARS).optional(),
  /** Required to promote an ask its asker rated 👎. */
  confirm: z.boolean({ error: 'confirm must be true or false' }).optional(),
});

/** `PUT /api/asks/:id/review`: an admin's verdict; null makes the ask unreviewed again. */
export const reviewSchema = z.object({
  status: z
    .enum(['verified', 'rejected'], { error: 'status must be verified, rejected or null' })
    .nullable(),
});

const positiveInt = (field: string, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(1, `${field} must be at least 1`)
    .max(max, `${field} must be at most ${max}`)
    .default(fallback);

/** `?q=&page=&page_size=` of every list endpoint. */
export const listQuerySchema = z.object({
  q: z.string().trim().max(500, 'q must be at most 500 characters').optional(),
  page: positiveInt('page', 1_000_000, 1),
  page_size: positiveInt('page_size', MAX_PAGE_SIZE, 20),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const askListQuerySchema = listQuerySchema.extend({
  status: z
    .enum(ASK_STATUSES, { error: `status must be one of ${ASK_STATUSES.join(', ')}` })
    .optional(),
  rating: z.enum(['up', 'down', 'none'], { error: 'rating must be up, down or none' }).optional(),
  source: z
    .enum(ASK_SOURCES, { error: `source must be one of ${ASK_SOURCES.join(', ')}` })
    .optional(),
  datasource: dataSourceNameSchema.optional(),
  review: z
    .enum(['verified', 'rejected', 'unreviewed'], {
      error: 'review must be verified, rejected or unreviewed',
    })
    .optional(),
});
export type AskListQuery = z.infer<typeof askListQuerySchema>;

export const IMPORT_MODES = ['create_only', 'overwrite'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/**
 * `?mode=&dry_run=` of an import. `create_only` (the default) never replaces a stored row;
 * `overwrite` replaces rows that differ. A dry run writes nothing and returns the preview.
 */
export const importOptionsSchema = z.object({
  mode: z
    .enum(IMPORT_MODES, { error: 'mode must be create_only or overwrite' })
    .default('create_only'),
  dry_run: z
    .enum(['true', 'false', '1', '0'], { error: 'dry_run must be true or false' })
    .optional()
    .transform((value) => value === 'true' || value === '1'),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

export const transferFormatSchema = z.enum(['csv', 'json'], {
  error: 'format must be csv or json',
});
export type TransferFormat = z.infer<typeof transferFormatSchema>;

/* ------------------------------------------------------------------ answers ---- */

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface SqlPair {
  id: number;
  question: string;
  sql: string;
  datasource: string;
  /**
   * Why the SQL no longer passes validation (the schema changed since it was saved); null when
   * it passed the last check. A broken pair is neither a historical match nor a sample.
   */
  broken: Reason | null;
  created_at: string;
  updated_at: string;
}

export interface Instruction {
  id: number;
  text: string;
  scope: InstructionScope;
  questions: string[];
  created_at: string;
  updated_at: string;
}

export interface DictionaryEntry {
  id: number;
  kind: DictionaryKind;
  abbreviation: string;
  full_name: string;
  /** `table.column` names the entry applies to; empty: every string literal. */
  columns: string[];
  created_at: string;
  updated_at: string;
}

/** A data source as the API shows it: the password masked as `***`, never echoed. */
export interface DataSourceView {
  id: number;
  name: string;
  url: string;
  has_password: boolean;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface SchemaDescription {
  datasource: string;
  table: string;
  /** null describes the table itself. */
  column: string | null;
  /** '' when the entry only hides its table or column. */
  description: string;
  /** Hidden from the assistant (and refused by the SQL guard). */
  hidden: boolean;
  updated_at: string;
}

export interface AskRecord {
  id: string;
  question: string;
  normalized_question: string;
  rephrased_question: string | null;
  intent: Intent | null;
  thread_id: string | null;
  /** The client's stable id of the asker (a Slack user id). */
  asked_by: string | null;
  /** The asker's name when the client knew it (a Slack display name); null otherwise. */
  asked_by_name: string | null;
  source: AskSource;
  datasource: string;
  sql: string | null;
  status: AskStatus;
  row_count: number | null;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  error_code: string | null;
  error: string | null;
  /** The calculated fields and metrics the executed SQL used; null when none. */
  semantics_used: SemanticsUsed | null;
  rating: FeedbackRating | null;
  feedback_comment: string | null;
  /** What the dictionaries rewrote in the SQL that ran (empty when nothing). */
  rewrites: SqlRewrite[];
  /** How many corrections the ask needed (0: the first SQL ran). */
  correction_count: number;
  /** An admin's verdict; null while unreviewed. */
  review_status: ReviewStatus | null;
  /** The SQL pair this ask was promoted to; null when none. */
  promoted_pair_id: number | null;
  /** What the ask was shown and tried; null for asks recorded before it was kept. */
  details: AskDetails | null;
  /** The answer sentence as checked against the rows; null when none was written. */
  answer: string | null;
  /**
   * The chart drawn, in a single ask's record only (lists leave it out: a spec carries its
   * rows). `spec` is null when the chart's data was more than the history keeps.
   */
  chart?: StoredChart | null;
  /** The follow-up questions offered; null when none were made. */
  follow_ups: string[] | null;
  /**
   * The first rows of the result (bounded in rows and bytes), in a single ask's record only
   * (lists leave it out); null when none was kept.
   */
  result_sample?: ResultSample | null;
  created_at: string;
  updated_at: string;
}

/** A chart as the ask history keeps it. */
export interface StoredChart {
  kind: ChartKind;
  chosen_by: 'rules' | 'model';
  spec: VegaLiteSpec | null;
}

export const REVIEW_STATUSES = ['verified', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** One rejected row of an import; `row` counts data rows from 1 (the CSV header is not a row). */
export interface ImportRowError {
  row: number;
  field?: string;
  message: string;
  /** The message as a code, for clients that speak the reader's language. */
  reason?: Reason;
}

/** What an import does (or, in a dry run, would do) with one row of the file. */
export interface ImportPreviewRow {
  row: number;
  status: 'new' | 'changed' | 'unchanged' | 'rejected';
  /** The row's natural key (question, abbreviation). */
  key: string;
  /** The row as the file gives it (absent for rows that could not be read). */
  values?: Record<string, unknown>;
  /** For a changed row: the stored fields that differ, before the import. */
  before?: Record<string, unknown>;
  /** True when this row is written (new, or changed under `overwrite`). */
  written: boolean;
  errors?: ImportRowError[];
  /** Written anyway, but worth a look (a full name found nowhere in the data). */
  warnings?: Reason[];
}

export interface ImportReport {
  mode: ImportMode;
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  /** Changed rows left as stored because the mode is `create_only`. */
  skipped: number;
  errors: ImportRowError[];
  rows: ImportPreviewRow[];
}

export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields?: Record<string, string>;
    /** The refusal as a code with parameters, for the reader's language. */
    reason?: Reason;
    field_reasons?: Record<string, Reason>;
  };
}

/** A save that went through with something worth a look (`warnings` on the saved item). */
export interface WithWarnings {
  warnings?: Reason[];
}

/* ------------------------------------------------------------ semantic layer ---- */

/** A table, column or definition name: letters (any script), digits and `_`, not starting with a digit. */
const identifierSchema = (field: string) =>
  text(field, 64).regex(
    /^[\p{L}_][\p{L}\p{N}_]*$/u,
    `${field} must be a plain identifier: letters, digits and _, not starting with a digit`,
  );

const columnList = (field: string) =>
  z
    .array(text(`each of ${field}`, 128), { error: `${field} must be a list of column names` })
    .min(1, `${field} must name at least one column`)
    .max(8, `${field} must have at most 8 columns`);

export const RELATIONSHIP_KINDS = ['many_to_one', 'one_to_many', 'one_to_one'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

export const relationshipInputSchema = z
  .object({
    from_table: text('from_table', 128),
    from_columns: columnList('from_columns'),
    to_table: text('to_table', 128),
    to_columns: columnList('to_columns'),
    kind: z.enum(RELATIONSHIP_KINDS, {
      error: typeError('kind', '"many_to_one", "one_to_many" or "one_to_one"'),
    }),
  })
  .refine((value) => value.from_columns.length === value.to_columns.length, {
    path: ['to_columns'],
    message: 'to_columns must name as many columns as from_columns',
  });
export type RelationshipInput = z.infer<typeof relationshipInputSchema>;

export const calculatedFieldInputSchema = z.object({
  table: text('table', 128),
  name: identifierSchema('name'),
  expression: text('expression', 4000),
  description: text('description', 2000),
});
export type CalculatedFieldInput = z.infer<typeof calculatedFieldInputSchema>;

export const metricInputSchema = z.object({
  name: identifierSchema('name'),
  description: text('description', 2000),
  sql: text('sql', MAX_SQL_CHARS),
});
export type MetricInput = z.infer<typeof metricInputSchema>;

/** `POST …/calculated-fields/preview`: the field as it would be saved, run on a few rows. */
export const calculatedFieldPreviewSchema = calculatedFieldInputSchema.omit({ description: true });

/**
 * What a definition's last validation found wrong (a metric over a dropped column), or null.
 * A definition with a problem is kept but not shown to the model until it is fixed.
 */
interface Validated {
  /** In English. */
  problem: string | null;
  /** The same as a reason code with parameters, for the reader's language; null when none. */
  problem_reason: Reason | null;
}

export interface Relationship extends RelationshipInput, Validated {
  /** null for a foreign key the database declares (read-only). */
  id: number | null;
  /** `declared`: a foreign key of the database; `defined`: an admin's. */
  source: 'declared' | 'defined';
  created_at: string | null;
  updated_at: string | null;
}

export interface CalculatedField extends CalculatedFieldInput, Validated {
  id: number;
  created_at: string;
  updated_at: string;
}

export interface MetricColumn {
  name: string;
  type: string;
}

export interface Metric extends MetricInput, Validated {
  id: number;
  /** The metric's output columns (its dimensions and measures), as its last run returned them. */
  columns: MetricColumn[];
  created_at: string;
  updated_at: string;
}

/** The calculated fields (`table.name`) and metrics an ask's SQL used, expanded before it ran. */
export interface SemanticsUsed {
  calculated_fields: string[];
  metrics: string[];
}
