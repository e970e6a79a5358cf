import type { TableInfo } from '../ports.js';
import type { AccessRules } from '../sql/guard.js';

/** What the rules are read from: a knowledge snapshot's schema entries. */
export interface AccessRuleSource {
  descriptions(
    datasource: string,
  ): readonly { table: string; column: string | null; hidden: boolean }[];
}

/** The tables and columns an admin hid, in the guard's terms. */
export function accessRulesFrom(
  entries: readonly { table: string; column: string | null; hidden: boolean }[],
): AccessRules {
  const hidden = entries.filter((entry) => entry.hidden);
  return {
    hiddenTables: hidden.filter((entry) => entry.column === null).map((entry) => entry.table),
    hiddenColumns: hidden.flatMap((entry) =>
      entry.column === null ? [] : [{ table: entry.table, column: entry.column }],
    ),
  };
}

/**
 * Access rules per data source, worked out once per knowledge snapshot (every hide or show
 * moves the revision, so it makes a new one): an ask costs a lookup, and a change applies to
 * the next ask in every process the change notice reaches.
 */
export function createAccessRuleCache(snapshot: (datasource: string) => Promise<AccessRuleSource>) {
  const bySnapshot = new WeakMap<AccessRuleSource, Map<string, AccessRules>>();
  return {
    /** The rules of `datasource` in the current snapshot, or in `from` (an ask's own). */
    async rules(
      datasource: string,
      from: (datasource: string) => Promise<AccessRuleSource> = snapshot,
    ): Promise<AccessRules> {
      const source = await from(datasource);
      let byDataSource = bySnapshot.get(source);
      if (byDataSource === undefined) {
        byDataSource = new Map();
        bySnapshot.set(source, byDataSource);
      }
      let rules = byDataSource.get(datasource);
      if (rules === undefined) {
        rules = accessRulesFrom(source.descriptions(datasource));
        byDataSource.set(datasource, rules);
      }
      return rules;
    },
  };
}

export type AccessRuleCache = ReturnType<typeof createAccessRuleCache>;

/**
 * The schema as the model may see it: hidden tables and columns removed, and with them every
 * foreign key that starts or ends at one, so no DDL, join hint or sample value names them.
 * Names compare case-insensitively, as the guard compares them.
 */
export function applyAccessRules(tables: readonly TableInfo[], rules: AccessRules): TableInfo[] {
  const lower = (name: string) => name.toLowerCase();
  const hiddenTables = new Set((rules.hiddenTables ?? []).map(lower));
  const hiddenColumns = new Set(
    (rules.hiddenColumns ?? []).map((rule) => `${lower(rule.table)}.${lower(rule.column)}`),
  );
  if (hiddenTables.size === 0 && hiddenColumns.size === 0) return [...tables];
  const isHidden = (table: string, column?: string) =>
    hiddenTables.has(lower(table)) ||
    (column !== undefined && hiddenColumns.has(`${lower(table)}.${lower(column)}`));

  return (
    tables
      .filter((table) => !isHidden(table.name))
      .map((table) => ({
        ...table,
        columns: table.columns.filter((column) => !isHidden(table.name, column.name)),
        foreignKeys: table.foreignKeys.filter(
          (key) =>
            !isHidden(table.name, key.column) &&
            !isHidden(key.referencedTable, key.referencedColumn),
        ),
      }))
      // A table whose every column is hidden has nothing left to ask about.
      .filter((table) => table.columns.length > 0)
  );
}
