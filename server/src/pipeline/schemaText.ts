import type { SqlDialect, TableInfo } from '../ports.js';

const quote = (dialect: SqlDialect, name: string) =>
  dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;

/**
 * The schema as CREATE TABLE statements, the form models read best. Comments carry
 * descriptions and sample values; foreign keys are spelled out so joins are right, and so is
 * each relationship of the semantic layer as its join condition. A calculated field reads as
 * a generated column, a metric as a table whose header says what it computes and how.
 */
export function renderDdl(tables: readonly TableInfo[], dialect: SqlDialect): string {
  const q = (name: string) => quote(dialect, name);
  return tables
    .map((table) => {
      const lines = table.columns.map((column) => {
        if (column.calculated) {
          const comment = column.comment ? ` -- calculated field: ${oneLine(column.comment)}` : '';
          return `  ${q(column.name)} GENERATED ALWAYS AS (${oneLine(column.calculated.expression)}),${comment}`;
        }
        const flags = [column.primaryKey ? 'PRIMARY KEY' : '', column.nullable ? '' : 'NOT NULL']
          .filter(Boolean)
          .join(' ');
        const comment = column.comment ? ` -- ${oneLine(column.comment)}` : '';
        return `  ${q(column.name)} ${column.type}${flags ? ` ${flags}` : ''},${comment}`;
      });
      for (const key of table.foreignKeys) {
        lines.push(
          `  FOREIGN KEY (${q(key.column)}) REFERENCES ${q(key.referencedTable)}(${q(key.referencedColumn)}),`,
        );
      }
      const last = lines.length - 1;
      if (last >= 0) lines[last] = (lines[last] as string).replace(/,( --|$)/, '$1');
      const header = [
        ...(table.metric
          ? [
              `-- METRIC ${table.name}${table.comment ? `: ${oneLine(table.comment)}` : ''}`,
              `-- Query it like a table; Quarry computes it as: ${oneLine(table.metric.sql)}`,
            ]
          : table.comment
            ? [`-- ${oneLine(table.comment)}`]
            : []),
      ];
      const joins = (table.relationships ?? []).map((relation) => {
        const condition = relation.columns
          .map(
            (column, i) =>
              `${q(table.name)}.${q(column)} = ${q(relation.referencedTable)}.${q(relation.referencedColumns[i] ?? '')}`,
          )
          .join(' AND ');
        return `-- JOIN ${q(relation.referencedTable)} ON ${condition} (${relation.kind})`;
      });
      return [...header, `CREATE TABLE ${q(table.name)} (\n${lines.join('\n')}\n);`, ...joins].join(
        '\n',
      );
    })
    .join('\n\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
