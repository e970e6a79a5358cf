import type { Reason } from '@quarry/shared';

/**
 * The guard's refusal as a reason people can read in their own language. The guard's English
 * sentence stays what the model is shown (it says what to leave out); people get the reason,
 * which names what was refused without telling anyone to rewrite anything. A sentence no rule
 * here recognises becomes `sql_unsafe` carrying it as the detail.
 */
export function refusalReason(message: string): Reason {
  const hiddenTable = /hidden table ([^;,\s]+)/.exec(message);
  if (hiddenTable) return { code: 'sql_hidden_table', params: { table: hiddenTable[1] as string } };
  const hiddenColumn = /hidden column ([^;,\s]+)/.exec(message);
  if (hiddenColumn) {
    return { code: 'sql_hidden_column', params: { column: hiddenColumn[1] as string } };
  }
  const hiddenList = /hidden columns \(([^)]*)\)/.exec(message);
  if (hiddenList) return { code: 'sql_hidden_star', params: { columns: hiddenList[1] as string } };
  const outside = /reads (.+?), outside the database (\S+) that/.exec(message);
  if (outside) {
    return {
      code: 'sql_other_database',
      params: { table: outside[1] as string, database: outside[2] as string },
    };
  }
  const unscoped =
    /reads (information_schema\.\S+) without limiting it to the database ([^;\s]+)/.exec(message);
  if (unscoped) {
    return {
      code: 'sql_unscoped_schema',
      params: { table: unscoped[1] as string, database: unscoped[2] as string },
    };
  }
  const databases = /^SHOW DATABASES lists databases other than (\S+),/.exec(message);
  if (databases) {
    return {
      code: 'sql_other_database',
      params: { table: 'SHOW DATABASES', database: databases[1] as string },
    };
  }
  if (/more than one statement/.test(message)) return { code: 'sql_stacked' };
  const rawFile = /reads (\S+), which exposes the raw database file/.exec(message);
  if (rawFile) return { code: 'sql_raw_file', params: { table: rawFile[1] as string } };
  if (/^There is no SQL statement/.test(message)) return { code: 'sql_no_statement' };
  const keyword = /this SQL contains ([A-Z][A-Z ]*[A-Z])\.$/.exec(message);
  if (keyword) return { code: 'sql_not_read_only', params: { what: keyword[1] as string } };
  if (/^Only one read-only SELECT statement may run/.test(message)) {
    return { code: 'sql_not_select' };
  }
  return { code: 'sql_unsafe', params: { detail: message } };
}
