import type { Reason } from '@quarry/shared';
import { quoteMysqlIdentifier } from '../../datasources/mysql.js';
import { quoteSqliteIdentifier } from '../../datasources/sqlite.js';
import { isQuarryError } from '../../errors.js';
import type { DataSource, TableInfo } from '../../ports.js';

const CHECK_TIMEOUT_MS = 5_000;

function stringLiteral(value: string, dialect: DataSource['dialect']): string {
  const quoted = value.replace(/'/g, "''");
  return `'${dialect === 'mysql' ? quoted.replace(/\\/g, '\\\\') : quoted}'`;
}

/**
 * Warnings for a dictionary entry whose full name an employee's ask would never find: for each
 * column the entry names, whether some row of the data source holds exactly that value (an
 * unknown table or column is a warning too). Entries without columns cannot be checked, so
 * they get no warning. The entry is saved either way: the admin may know better (data to come).
 */
export async function checkFullName(
  dataSource: DataSource,
  datasource: string,
  entry: { full_name: string; columns?: readonly string[] | undefined },
): Promise<Reason[]> {
  const quote = dataSource.dialect === 'mysql' ? quoteMysqlIdentifier : quoteSqliteIdentifier;
  const warnings: Reason[] = [];
  for (const qualified of entry.columns ?? []) {
    const [table = '', column = ''] = qualified.split('.');
    const sql = `SELECT 1 AS found FROM ${quote(table)} WHERE ${quote(column)} = ${stringLiteral(entry.full_name, dataSource.dialect)} LIMIT 1`;
    try {
      const result = await dataSource.execute(sql, { rowLimit: 1, timeoutMs: CHECK_TIMEOUT_MS });
      if (result.rows.length === 0) {
        warnings.push({
          code: 'full_name_not_in_data',
          params: { full_name: entry.full_name, columns: qualified, datasource },
        });
      }
    } catch (error) {
      if (!isQuarryError(error, 'SQL_EXECUTION_FAILED')) throw error;
      warnings.push({ code: 'unknown_column', params: { column: qualified, datasource } });
    }
  }
  return warnings;
}

/** How long one data source's described tables serve checks (an import checks every row). */
const TABLES_TTL_MS = 30_000;

/** Where a full-name check finds the data sources and their tables. */
export interface FullNameCheckDeps {
  /** Every data source's name. */
  names(): Promise<string[]>;
  dataSource(name: string): Promise<DataSource>;
}

function hasColumn(tables: readonly TableInfo[], qualified: string): boolean {
  const [table = '', column = ''] = qualified.toLowerCase().split('.');
  return tables.some(
    (info) =>
      info.name.toLowerCase() === table &&
      info.columns.some((each) => each.name.toLowerCase() === column),
  );
}

/**
 * `checkFullName` on every data source a dictionary entry's columns exist in (dictionaries apply
 * to every data source): a warning per data source that has the column but not the value, and
 * one per column no data source has. A data source that cannot be reached is left unchecked.
 * Tables are described at most once per data source every 30 seconds, so an import of many
 * entries describes each once.
 */
export function createFullNameCheck(deps: FullNameCheckDeps) {
  const described = new Map<string, { at: number; tables: Promise<TableInfo[]> }>();
  const tablesOf = (name: string): Promise<TableInfo[]> => {
    const hit = described.get(name);
    if (hit && Date.now() - hit.at < TABLES_TTL_MS) return hit.tables;
    const tables = deps.dataSource(name).then((source) => source.describe());
    tables.catch(() => described.delete(name));
    described.set(name, { at: Date.now(), tables });
    return tables;
  };
  return async (entry: {
    full_name: string;
    columns?: readonly string[] | undefined;
  }): Promise<Reason[]> => {
    const columns = entry.columns ?? [];
    if (columns.length === 0) return [];
    const names = await deps.names();
    const warnings: Reason[] = [];
    const found = new Set<string>();
    for (const name of names) {
      let tables: TableInfo[];
      try {
        tables = await tablesOf(name);
      } catch {
        continue;
      }
      const here = columns.filter((qualified) => hasColumn(tables, qualified));
      if (here.length === 0) continue;
      for (const qualified of here) found.add(qualified);
      warnings.push(
        ...(await checkFullName(await deps.dataSource(name), name, { ...entry, columns: here })),
      );
    }
    for (const qualified of columns) {
      if (found.has(qualified)) continue;
      warnings.push(
        names.length === 1
          ? {
              code: 'unknown_column',
              params: { column: qualified, datasource: names[0] as string },
            }
          : { code: 'column_in_no_datasource', params: { column: qualified } },
      );
    }
    return warnings;
  };
}
