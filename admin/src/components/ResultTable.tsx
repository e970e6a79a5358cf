import type { CellValue, ResultRow } from '@quarry/shared';
import { useT } from '../lib/i18n';
import { Empty } from './states';

function Cell({ value }: { value: CellValue | undefined }) {
  if (value === null || value === undefined) return <span className="cell-null">NULL</span>;
  if (typeof value === 'number') return <span className="cell-number">{value}</span>;
  return <>{String(value)}</>;
}

/** Query result rows. Values render as text, whatever they contain. */
export function ResultTable({
  columns,
  rows,
  rowCount,
  capped = false,
  label,
}: {
  columns: string[];
  rows: ResultRow[];
  rowCount?: number;
  capped?: boolean;
  label: string;
}) {
  const t = useT();
  if (columns.length === 0) return <Empty title={t('The query returned no columns.')} />;
  const total = rowCount ?? rows.length;
  return (
    <div className="result">
      <p className="result-summary">
        {capped
          ? t('Showing the first {shown} of {total} rows.', { shown: rows.length, total })
          : t(total === 1 ? '1 row' : '{total} rows', { total })}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it */}
      <section className="table-scroll" aria-label={label} tabIndex={0}>
        <table className="table table-compact">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity of their own
              <tr key={index}>
                {columns.map((column) => (
                  <td key={column}>
                    <Cell value={row[column]} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {rows.length === 0 ? <Empty title={t('No rows.')} /> : null}
    </div>
  );
}
