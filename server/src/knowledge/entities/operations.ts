import { EntitySchema } from 'typeorm';
import {
  idColumn,
  integer,
  KEY_LENGTH,
  longText,
  NAME_LENGTH,
  timestampColumn,
  varchar,
} from './columns.js';

/** The wire's limit on `user_name`, so every accepted name fits. */
const ASKER_NAME_LENGTH = 256;

/* What Quarry keeps to run: data sources, ask history, settings. */

export interface DataSourceRow {
  id: number;
  name: string;
  /** The full connection URL, password included; only `getUrl` hands it out. */
  url: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

export const DataSourceEntity = new EntitySchema<DataSourceRow>({
  name: 'DataSourceRecord',
  tableName: 'data_sources',
  columns: {
    id: idColumn,
    name: varchar(NAME_LENGTH),
    url: longText(),
    description: longText(true),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [{ name: 'uq_data_sources_name', columns: ['name'], unique: true }],
});

export interface AskRow {
  id: string;
  question: string;
  normalized_question: string;
  question_key: string;
  rephrased_question: string | null;
  intent: string | null;
  thread_id: string | null;
  asked_by: string | null;
  asked_by_name: string | null;
  source: string;
  datasource: string;
  sql: string | null;
  status: string;
  row_count: number | null;
  /** JSON object stage → ms. */
  timings: string;
  error_code: string | null;
  error: string | null;
  /** JSON `{calculated_fields, metrics}` the executed SQL used; null when none. */
  semantics_used: string | null;
  rating: string | null;
  feedback_comment: string | null;
  /** JSON AskDetails: what the ask was shown and tried; null for older asks. */
  details: string | null;
  /** `verified` or `rejected` by an admin; null while unreviewed. */
  review_status: string | null;
  /** Corrections the ask needed; null for older asks. */
  correction_count: number | null;
  /** The SQL pair this ask was promoted to; null when it was not (or was un-verified). */
  promoted_pair_id: number | null;
  /** The answer sentence as checked against the rows; null when none was written. */
  answer: string | null;
  /** JSON StoredChart (spec null when it was too large to keep); null when no chart was drawn. */
  chart: string | null;
  /** JSON array of the follow-up questions; null when none were made. */
  follow_ups: string | null;
  /** JSON ResultSample: the first rows of the result; null when none was kept. */
  result_sample: string | null;
  created_at: Date;
  updated_at: Date;
}

export const AskEntity = new EntitySchema<AskRow>({
  name: 'Ask',
  tableName: 'asks',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    question: longText(),
    normalized_question: longText(),
    question_key: varchar(KEY_LENGTH),
    rephrased_question: longText(true),
    intent: varchar(32, true),
    thread_id: varchar(255, true),
    asked_by: varchar(255, true),
    asked_by_name: varchar(ASKER_NAME_LENGTH, true),
    source: varchar(16),
    datasource: varchar(NAME_LENGTH),
    sql: longText(true),
    status: varchar(16),
    row_count: integer(true),
    timings: longText(),
    error_code: varchar(64, true),
    error: longText(true),
    semantics_used: longText(true),
    rating: varchar(8, true),
    feedback_comment: longText(true),
    details: longText(true),
    review_status: varchar(16, true),
    correction_count: integer(true),
    promoted_pair_id: integer(true),
    answer: longText(true),
    chart: longText(true),
    follow_ups: longText(true),
    result_sample: longText(true),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [
    { name: 'ix_asks_question', columns: ['question_key', 'datasource'] },
    { name: 'ix_asks_thread', columns: ['thread_id', 'created_at'] },
    { name: 'ix_asks_created', columns: ['created_at'] },
  ],
});

export interface SettingRow {
  key: string;
  value: string;
  updated_at: Date;
}

export const SettingEntity = new EntitySchema<SettingRow>({
  name: 'Setting',
  tableName: 'settings',
  columns: {
    key: { type: 'varchar', length: 128, primary: true },
    value: longText(),
    updated_at: timestampColumn,
  },
});
