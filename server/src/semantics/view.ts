import type { Relationship } from '@quarry/shared';
import type { SemanticDefinitions } from '../knowledge/port.js';
import type { ColumnInfo, TableInfo } from '../ports.js';
import type { AccessRules } from '../sql/guard.js';
import { tokenizeSql } from '../sql/lexer.js';
import type { SemanticCatalog } from '../sql/semantics.js';

/** The names SQL text uses (words and quoted identifiers), lower-cased. */
function namesIn(sql: string): Set<string> {
  const names = new Set<string>();
  for (const token of tokenizeSql(sql, 'any')) {
    const text = sql.slice(token.start, token.end);
    if (token.kind === 'word') names.add(text.toLowerCase());
    else if (token.kind === 'quoted_identifier') names.add(text.slice(1, -1).toLowerCase());
  }
  return names;
}

/**
 * Definitions that name a hidden table or column are left out of the model's view at once,
 * before any revalidation flags them: a description must not leak what an admin hid.
 */
function withoutHidden(definitions: SemanticDefinitions, rules: AccessRules): SemanticDefinitions {
  const tables = (rules.hiddenTables ?? []).map((t) => t.toLowerCase().split('.').at(-1) ?? '');
  const columns = (rules.hiddenColumns ?? []).map((c) => c.column.toLowerCase());
  if (tables.length === 0 && columns.length === 0) return definitions;
  const touches = (sql: string, table?: string) => {
    const names = namesIn(sql);
    if (table !== undefined) names.add(table.toLowerCase());
    return tables.some((t) => names.has(t)) || columns.some((c) => names.has(c));
  };
  return {
    relationships: definitions.relationships,
    calculatedFields: definitions.calculatedFields.filter((f) => !touches(f.expression, f.table)),
    metrics: definitions.metrics.filter((m) => !touches(m.sql)),
  };
}

const lower = (name: string) => name.toLowerCase();

/** The definitions the model may use: those whose last validation found nothing wrong. */
export function usableDefinitions(definitions: SemanticDefinitions): SemanticDefinitions {
  return {
    relationships: definitions.relationships.filter((r) => r.problem === null),
    calculatedFields: definitions.calculatedFields.filter((f) => f.problem === null),
    metrics: definitions.metrics.filter((m) => m.problem === null),
  };
}

/**
 * The tables as the model sees them with the semantic layer: each calculated field as a
 * column of its table (described), each relationship on its table with its join condition,
 * each metric as a table of its output columns. `tables` are the visible ones; a definition
 * that names a table or column not among them (hidden, or gone) is left out.
 */
export function withSemantics(
  tables: readonly TableInfo[],
  definitions: SemanticDefinitions,
  rules: AccessRules = {},
): TableInfo[] {
  const usable = withoutHidden(usableDefinitions(definitions), rules);
  const byName = new Map(tables.map((table) => [lower(table.name), table]));
  const hasColumns = (table: TableInfo | undefined, columns: readonly string[]) =>
    table !== undefined &&
    columns.every((column) => table.columns.some((c) => lower(c.name) === lower(column)));

  const relationshipsOf = (table: TableInfo) =>
    usable.relationships.flatMap((relation: Relationship) => {
      if (lower(relation.from_table) !== lower(table.name)) return [];
      const target = byName.get(lower(relation.to_table));
      if (!hasColumns(table, relation.from_columns) || !hasColumns(target, relation.to_columns))
        return [];
      return [
        {
          columns: relation.from_columns,
          referencedTable: (target as TableInfo).name,
          referencedColumns: relation.to_columns,
          kind: relation.kind,
        },
      ];
    });

  const enriched = tables.map((table) => {
    const calculated: ColumnInfo[] = usable.calculatedFields
      .filter((field) => lower(field.table) === lower(table.name))
      .map((field) => ({
        name: field.name,
        type: '',
        nullable: true,
        primaryKey: false,
        comment: field.description,
        calculated: { expression: field.expression },
      }));
    const relationships = relationshipsOf(table);
    return {
      ...table,
      columns: [...table.columns, ...calculated],
      ...(relationships.length > 0 ? { relationships } : {}),
    };
  });
  const metrics: TableInfo[] = usable.metrics
    .filter((metric) => !byName.has(lower(metric.name)))
    .map((metric) => ({
      name: metric.name,
      comment: metric.description,
      columns: metric.columns.map((column) => ({
        name: column.name,
        type: column.type,
        nullable: true,
        primaryKey: false,
      })),
      foreignKeys: [],
      metric: { sql: metric.sql },
    }));
  return [...enriched, ...metrics];
}

/** What the SQL expansion needs: the usable definitions and every real table's columns. */
export function semanticCatalog(
  tables: readonly TableInfo[],
  definitions: SemanticDefinitions,
): SemanticCatalog {
  const usable = usableDefinitions(definitions);
  return {
    calculatedFields: usable.calculatedFields.map((field) => ({
      table: field.table,
      name: field.name,
      expression: field.expression,
    })),
    metrics: usable.metrics.map((metric) => ({
      name: metric.name,
      sql: metric.sql,
      columns: metric.columns.map((column) => column.name),
    })),
    columns: new Map(
      tables.map((table) => [
        lower(table.name),
        new Set(table.columns.filter((c) => !c.calculated).map((c) => lower(c.name))),
      ]),
    ),
  };
}
