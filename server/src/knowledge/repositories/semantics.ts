import {
  type CalculatedField,
  type CalculatedFieldInput,
  isReasonCode,
  type Metric,
  type MetricColumn,
  type MetricInput,
  type Reason,
  type Relationship,
  type RelationshipInput,
  type RelationshipKind,
} from '@quarry/shared';
import type { DataSource, Repository } from 'typeorm';
import {
  CalculatedFieldEntity,
  type CalculatedFieldRow,
  MetricEntity,
  type MetricRow,
  RelationshipEntity,
  type RelationshipRow,
} from '../entities/index.js';
import type { SemanticDefinitions, SemanticLayerRepository, SemanticProblem } from '../port.js';
import { iso, type Revision } from './common.js';
import { createKnowledgeCrud } from './knowledgeTable.js';

function parseList<T>(json: string, keep: (item: unknown) => item is T): T[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter(keep) : [];
  } catch {
    return [];
  }
}

const isString = (item: unknown): item is string => typeof item === 'string';
const isMetricColumn = (item: unknown): item is MetricColumn =>
  typeof item === 'object' &&
  item !== null &&
  typeof (item as MetricColumn).name === 'string' &&
  typeof (item as MetricColumn).type === 'string';

function toRelationship(row: RelationshipRow): Relationship {
  return {
    id: row.id,
    source: 'defined',
    from_table: row.from_table,
    from_columns: parseList(row.from_columns, isString),
    to_table: row.to_table,
    to_columns: parseList(row.to_columns, isString),
    kind: row.kind as RelationshipKind,
    ...problemFields(row.problem),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function toCalculatedField(row: CalculatedFieldRow): CalculatedField {
  return {
    id: row.id,
    table: row.table_name,
    name: row.name,
    expression: row.expression,
    description: row.description,
    ...problemFields(row.problem),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function toMetric(row: MetricRow): Metric {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    sql: row.sql,
    columns: parseList(row.columns, isMetricColumn),
    ...problemFields(row.problem),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** What a stored definition carries beyond its input: its last validation's verdict. */
type Checked<I> = I & { problem: SemanticProblem | null };

/** The stored problem (JSON `{message, reason}`) as the API shows it. */
function problemFields(stored: string | null): {
  problem: string | null;
  problem_reason: Reason | null;
} {
  if (stored === null) return { problem: null, problem_reason: null };
  try {
    const parsed = JSON.parse(stored) as Partial<SemanticProblem>;
    if (typeof parsed.message === 'string' && isReasonCode(parsed.reason?.code)) {
      return { problem: parsed.message, problem_reason: parsed.reason as Reason };
    }
  } catch {
    // Text from before problems were stored as reasons; the migration clears those.
  }
  return { problem: stored, problem_reason: null };
}

const storedProblem = (problem: SemanticProblem | null): string | null =>
  problem === null ? null : JSON.stringify({ message: problem.message, reason: problem.reason });

/** Relationships, calculated fields and metrics per data source; every change moves the revision. */
export function createSemanticLayerRepository(
  dataSource: DataSource,
  revision: Revision,
): SemanticLayerRepository {
  const relationships: Repository<RelationshipRow> = dataSource.getRepository(RelationshipEntity);
  const fields: Repository<CalculatedFieldRow> = dataSource.getRepository(CalculatedFieldEntity);
  const metrics: Repository<MetricRow> = dataSource.getRepository(MetricEntity);

  return {
    relationships: (datasource) =>
      createKnowledgeCrud<RelationshipRow, Relationship, Checked<RelationshipInput>>(
        relationships,
        revision,
        {
          what: 'relationship',
          scope: { datasource },
          columnsOf: (input) => ({
            datasource,
            from_table: input.from_table,
            from_columns: JSON.stringify(input.from_columns),
            to_table: input.to_table,
            to_columns: JSON.stringify(input.to_columns),
            kind: input.kind,
            problem: storedProblem(input.problem),
          }),
          toItem: toRelationship,
          list: { searchColumns: ['from_table', 'to_table'], order: { id: 'ASC' } },
        },
      ),

    calculatedFields: (datasource) =>
      createKnowledgeCrud<CalculatedFieldRow, CalculatedField, Checked<CalculatedFieldInput>>(
        fields,
        revision,
        {
          what: 'calculated field',
          scope: { datasource },
          columnsOf: (input) => ({
            datasource,
            table_name: input.table,
            name: input.name,
            name_key: input.name.toLowerCase(),
            expression: input.expression,
            description: input.description,
            problem: storedProblem(input.problem),
          }),
          toItem: toCalculatedField,
          unique: {
            field: 'name',
            message: (columns) =>
              `The table ${columns.table_name} already has a calculated field named ${columns.name}.`,
          },
          list: {
            searchColumns: ['name', 'description', 'table_name'],
            order: { table_name: 'ASC', name_key: 'ASC', id: 'ASC' },
          },
        },
      ),

    metrics: (datasource) =>
      createKnowledgeCrud<MetricRow, Metric, Checked<MetricInput> & { columns: MetricColumn[] }>(
        metrics,
        revision,
        {
          what: 'metric',
          scope: { datasource },
          columnsOf: (input) => ({
            datasource,
            name: input.name,
            name_key: input.name.toLowerCase(),
            description: input.description,
            sql: input.sql,
            columns: JSON.stringify(input.columns),
            problem: storedProblem(input.problem),
          }),
          toItem: toMetric,
          unique: {
            field: 'name',
            message: (columns) => `There is already a metric named ${columns.name}.`,
          },
          list: {
            searchColumns: ['name', 'description', 'sql'],
            order: { name_key: 'ASC', id: 'ASC' },
          },
        },
      ),

    async load(datasource) {
      const [r, f, m] = await Promise.all([
        relationships.find({ where: { datasource }, order: { id: 'ASC' } }),
        fields.find({ where: { datasource }, order: { id: 'ASC' } }),
        metrics.find({ where: { datasource }, order: { id: 'ASC' } }),
      ]);
      return {
        relationships: r.map(toRelationship),
        calculatedFields: f.map(toCalculatedField),
        metrics: m.map(toMetric),
      };
    },

    async loadAll() {
      const [r, f, m] = await Promise.all([
        relationships.find({ order: { id: 'ASC' } }),
        fields.find({ order: { id: 'ASC' } }),
        metrics.find({ order: { id: 'ASC' } }),
      ]);
      const all = new Map<string, SemanticDefinitions>();
      const of = (datasource: string) => {
        let definitions = all.get(datasource);
        if (!definitions) {
          definitions = { relationships: [], calculatedFields: [], metrics: [] };
          all.set(datasource, definitions);
        }
        return definitions;
      };
      for (const row of r) of(row.datasource).relationships.push(toRelationship(row));
      for (const row of f) of(row.datasource).calculatedFields.push(toCalculatedField(row));
      for (const row of m) of(row.datasource).metrics.push(toMetric(row));
      return all;
    },

    async flag(kind, id, problem) {
      const rows = { relationship: relationships, calculated_field: fields, metric: metrics }[kind];
      // A flag is not an admin's edit: updated_at stays what the admin last saved.
      const result = await (rows as Repository<{ id: number; problem: string | null }>).update(
        { id },
        { problem: storedProblem(problem) },
      );
      if (result.affected) await revision.bump();
    },
  };
}
