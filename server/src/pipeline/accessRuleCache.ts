import type { TableInfo } from '../ports.js';
import type { AccessRules } from '../sql/guard.js';

/** What the rules are read from: the admin's schema entries and the knowledge revision. */
export interface AccessRuleSources {
  revision(): Promise<number>;
  descriptions(
    datasource: string,
  ): Promise<{ table: string; column: string | null; hidden: boolean }[]>;
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
 * Access rules per data source, read once per knowledge revision (every hide or show moves
 * it), so an ask costs one primary-key read of the revision, and a change applies to the next
 * ask in every process sharing the app database.
 */
export function createAccessRuleCache(sources: AccessRuleSources) {
  let cached: { revision: number; rules: Map<string, Promise<AccessRules>> } | undefined;
  return {
    async rules(datasource: string): Promise<AccessRules> {
      const revision = await sources.revision();
      if (cached?.revision !== revision) cached = { revision, rules: new Map() };
      const byDataSource = cached.rules;
      let rules = byDataSource.get(datasource);
      if (rules === undefined) {
        rules = sources.descriptions(datasource).then(accessRulesFrom);
        byDataSource.set(datasource, rules);
        // A failed read is not remembered: the next ask tries again.
        rules.catch(() => byDataSource.delete(datasource));
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
