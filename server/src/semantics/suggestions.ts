import type { Relationship, RelationshipInput } from '@quarry/shared';
import type { TableInfo } from '../ports.js';

const lower = (name: string) => name.toLowerCase();

/** Broad type families: a key and the key it points at must be of the same one. */
function typeFamily(type: string): string {
  const t = lower(type);
  if (/int|serial/.test(t)) return 'integer';
  if (/char|text|clob|string|uuid/.test(t)) return 'text';
  if (/dec|num|real|double|float/.test(t)) return 'number';
  return t.replace(/\(.*$/, '').trim();
}

/** Table names a key's prefix may mean: employee → employee, employees; category → categories. */
function tableNamesFor(prefix: string): string[] {
  const p = lower(prefix);
  return [p, `${p}s`, `${p}es`, ...(p.endsWith('y') ? [`${p.slice(0, -1)}ies`] : [])];
}

/** Every foreign key the database declares, as read-only relationships. */
export function declaredRelationships(tables: readonly TableInfo[]): Relationship[] {
  return tables.flatMap((table) =>
    table.foreignKeys.map((key) => ({
      id: null,
      source: 'declared' as const,
      from_table: table.name,
      from_columns: [key.column],
      to_table: key.referencedTable,
      to_columns: [key.referencedColumn],
      kind: 'many_to_one' as const,
      problem: null,
      problem_reason: null,
      created_at: null,
      updated_at: null,
    })),
  );
}

/**
 * Relationships the names and types suggest where none is declared or defined: a column
 * `<x>_id` (or `<x>id`) of the type of `<x>s`' single-column primary key points at it, as does
 * a column named like another table's primary key (`dept_no` → `departments.dept_no`).
 */
export function suggestRelationships(
  tables: readonly TableInfo[],
  known: readonly RelationshipInput[],
): RelationshipInput[] {
  const byName = new Map(tables.map((table) => [lower(table.name), table]));
  const covered = new Set(
    known.flatMap((relation) =>
      relation.from_columns.map(
        (column) => `${lower(relation.from_table)}.${lower(column)}>${lower(relation.to_table)}`,
      ),
    ),
  );
  const primaryKey = (table: TableInfo) => {
    const keys = table.columns.filter((column) => column.primaryKey);
    return keys.length === 1 ? keys[0] : undefined;
  };
  const suggestions: RelationshipInput[] = [];
  for (const table of tables) {
    const ownKey = primaryKey(table);
    for (const column of table.columns) {
      if (column.calculated) continue;
      const prefix = /^(.+?)_?id$/i.exec(column.name)?.[1];
      const candidates = [
        ...(prefix ? tableNamesFor(prefix).flatMap((name) => byName.get(name) ?? []) : []),
        ...tables.filter(
          (other) =>
            other !== table &&
            lower(primaryKey(other)?.name ?? '') === lower(column.name) &&
            lower(column.name) !== 'id',
        ),
      ];
      const target = candidates.find((candidate) => candidate !== table);
      const targetKey = target && primaryKey(target);
      if (target === undefined || targetKey === undefined) continue;
      if (typeFamily(targetKey.type) !== typeFamily(column.type)) continue;
      if (covered.has(`${lower(table.name)}.${lower(column.name)}>${lower(target.name)}`)) continue;
      covered.add(`${lower(table.name)}.${lower(column.name)}>${lower(target.name)}`);
      suggestions.push({
        from_table: table.name,
        from_columns: [column.name],
        to_table: target.name,
        to_columns: [targetKey.name],
        kind: ownKey?.name === column.name ? 'one_to_one' : 'many_to_one',
      });
    }
  }
  return suggestions;
}
