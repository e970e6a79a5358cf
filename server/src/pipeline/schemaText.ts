import type { SqlDialect, TableInfo } from '../ports.js';

const quote = (dialect: SqlDialect, name: string) =>
  dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;

/**
 * The schema as CREATE TABLE statements, the form models read best. Comments carry
 * descriptions and sample values; foreign keys are spelled out so joins are right.
 */
export function renderDdl(tables: readonly TableInfo[], dialect: SqlDialect): string {
  return tables
    .map((table) => {
      const lines = table.columns.map((column) => {
        const flags = [column.primaryKey ? 'PRIMARY KEY' : '', column.nullable ? '' : 'NOT NULL']
          .filter(Boolean)
          .join(' ');
        const comment = column.comment ? ` -- ${oneLine(column.comment)}` : '';
        return `  ${quote(dialect, column.name)} ${column.type}${flags ? ` ${flags}` : ''},${comment}`;
      });
      for (const key of table.foreignKeys) {
        lines.push(
          `  FOREIGN KEY (${quote(dialect, key.column)}) REFERENCES ${quote(dialect, key.referencedTable)}(${quote(dialect, key.referencedColumn)}),`,
        );
      }
      const last = lines.length - 1;
      if (last >= 0) lines[last] = (lines[last] as string).replace(/,( --|$)/, '$1');
      const header = table.comment ? `-- ${oneLine(table.comment)}\n` : '';
      return `${header}CREATE TABLE ${quote(dialect, table.name)} (\n${lines.join('\n')}\n);`;
    })
    .join('\n\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
