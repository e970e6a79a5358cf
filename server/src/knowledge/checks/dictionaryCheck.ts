import type { Reason } from '@quarry/shared';
import { quoteMysqlIdentifier } from '../../datasources/mysql.js';
import { quoteSqliteIdentifier } from '../../datasources/sqlite.js';
import { isQuarryError } from '../../errors.js';
import type { DataSource } from '../../ports.js';

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
          params: { full_name: entry.full_name, columns: qualified },
        });
      }
    } catch (error) {
      if (!isQuarryError(error, 'SQL_EXECUTION_FAILED')) throw error;
      warnings.push({ code: 'unknown_column', params: { column: qualified, datasource } });
    }
  }
  return warnings;
}
