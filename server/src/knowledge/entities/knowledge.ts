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

/* What admins teach: SQL pairs, instructions, dictionaries, schema descriptions. */

export interface SqlPairRow {
  id: number;
  question: string;
  normalized_question: string;
  question_key: string;
  sql: string;
  datasource: string;
  /** JSON of the Reason the SQL failed its last check; null when it passed. */
  broken: string | null;
  created_at: Date;
  updated_at: Date;
}

export const SqlPairEntity = new EntitySchema<SqlPairRow>({
  name: 'SqlPair',
  tableName: 'sql_pairs',
  columns: {
    id: idColumn,
    question: longText(),
    normalized_question: longText(),
    question_key: varchar(KEY_LENGTH),
    sql: longText(),
    datasource: varchar(NAME_LENGTH),
    broken: longText(true),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [
    {
      name: 'uq_sql_pairs_datasource_question',
      columns: ['datasource', 'question_key'],
      unique: true,
    },
  ],
});

export interface InstructionRow {
  id: number;
  text: string;
  scope: string;
  /** JSON array of strings: SQLite has no JSON type, so the repository (de)serialises it. */
  questions: string;
  created_at: Date;
  updated_at: Date;
}

export const InstructionEntity = new EntitySchema<InstructionRow>({
  name: 'Instruction',
  tableName: 'instructions',
  columns: {
    id: idColumn,
    text: longText(),
    scope: varchar(16),
    questions: longText(),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
});

export interface DictionaryEntryRow {
  id: number;
  kind: string;
  abbreviation: string;
  abbreviation_key: string;
  full_name: string;
  /** JSON array of `table.column` names; '[]' applies to every string literal. */
  columns: string;
  created_at: Date;
  updated_at: Date;
}

export const DictionaryEntryEntity = new EntitySchema<DictionaryEntryRow>({
  name: 'DictionaryEntry',
  tableName: 'dictionary_entries',
  columns: {
    id: idColumn,
    kind: varchar(16),
    abbreviation: varchar(128),
    abbreviation_key: varchar(128),
    full_name: varchar(512),
    columns: longText(),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [
    {
      name: 'uq_dictionary_entries_kind_abbreviation',
      columns: ['kind', 'abbreviation_key'],
      unique: true,
    },
  ],
});

export interface SchemaDescriptionRow {
  id: number;
  datasource: string;
  table_name: string;
  /** '' for the table itself: NULLs never collide in a unique index, so they can't mean "none". */
  column_name: string;
  /** '' when the row only hides its target. */
  description: string;
  /** Hidden from the assistant: left out of the schema the model sees and refused by the guard. */
  hidden: boolean;
  created_at: Date;
  updated_at: Date;
}

export const SchemaDescriptionEntity = new EntitySchema<SchemaDescriptionRow>({
  name: 'SchemaDescription',
  tableName: 'schema_descriptions',
  columns: {
    id: idColumn,
    datasource: varchar(NAME_LENGTH),
    table_name: varchar(128),
    column_name: varchar(128),
    description: longText(),
    hidden: { type: 'boolean', default: false },
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [
    {
      name: 'uq_schema_descriptions_target',
      columns: ['datasource', 'table_name', 'column_name'],
      unique: true,
    },
  ],
});

export interface KnowledgeRevisionRow {
  id: number;
  revision: number;
}

/** One row (id 1) whose counter every knowledge write bumps; readers compare it to their cache. */
export const KnowledgeRevisionEntity = new EntitySchema<KnowledgeRevisionRow>({
  name: 'KnowledgeRevision',
  tableName: 'knowledge_revision',
  columns: {
    id: { type: 'integer', primary: true },
    revision: integer(),
  },
});
