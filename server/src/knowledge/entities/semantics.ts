import { EntitySchema } from 'typeorm';
import { idColumn, longText, NAME_LENGTH, timestampColumn, varchar } from './columns.js';

/*
 * The semantic layer an admin curates per data source: relationships (join conditions the
 * database does not declare), calculated fields (named expressions on one table) and metrics
 * (named read-only queries). `problem` holds what the last validation found wrong, or null.
 */

export interface RelationshipRow {
  id: number;
  datasource: string;
  from_table: string;
  /** JSON array of column names; SQLite has no JSON type. */
  from_columns: string;
  to_table: string;
  to_columns: string;
  kind: string;
  problem: string | null;
  created_at: Date;
  updated_at: Date;
}

export const RelationshipEntity = new EntitySchema<RelationshipRow>({
  name: 'Relationship',
  tableName: 'relationships',
  columns: {
    id: idColumn,
    datasource: varchar(NAME_LENGTH),
    from_table: varchar(128),
    from_columns: longText(),
    to_table: varchar(128),
    to_columns: longText(),
    kind: varchar(16),
    problem: longText(true),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [{ name: 'ix_relationships_datasource', columns: ['datasource'] }],
});

export interface CalculatedFieldRow {
  id: number;
  datasource: string;
  table_name: string;
  name: string;
  /** Lower-cased name: names compare case-insensitively on every engine. */
  name_key: string;
  expression: string;
  description: string;
  problem: string | null;
  created_at: Date;
  updated_at: Date;
}

export const CalculatedFieldEntity = new EntitySchema<CalculatedFieldRow>({
  name: 'CalculatedField',
  tableName: 'calculated_fields',
  columns: {
    id: idColumn,
    datasource: varchar(NAME_LENGTH),
    table_name: varchar(128),
    name: varchar(64),
    name_key: varchar(64),
    expression: longText(),
    description: longText(),
    problem: longText(true),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [
    {
      name: 'uq_calculated_fields_name',
      columns: ['datasource', 'table_name', 'name_key'],
      unique: true,
    },
  ],
});

export interface MetricRow {
  id: number;
  datasource: string;
  name: string;
  name_key: string;
  description: string;
  sql: string;
  /** JSON array of `{name, type}`: the output columns of the metric's last run. */
  columns: string;
  problem: string | null;
  created_at: Date;
  updated_at: Date;
}

export const MetricEntity = new EntitySchema<MetricRow>({
  name: 'Metric',
  tableName: 'metrics',
  columns: {
    id: idColumn,
    datasource: varchar(NAME_LENGTH),
    name: varchar(64),
    name_key: varchar(64),
    description: longText(),
    sql: longText(),
    columns: longText(),
    problem: longText(true),
    created_at: timestampColumn,
    updated_at: timestampColumn,
  },
  indices: [{ name: 'uq_metrics_name', columns: ['datasource', 'name_key'], unique: true }],
});
