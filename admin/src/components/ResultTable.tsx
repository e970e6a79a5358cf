import type { CellValue, ResultRow } from '@quarry/shared';
import { useT } from '../lib/i18n';
import { Empty } from './states';

/** Values wider than this (in half-width characters) may be cut with an ellipsis on a phone. */
const TOOLTIP_FROM_WIDTH = 24;

/** Characters that take two columns: CJK, Hangul, full-width forms. */
const WIDE_CHAR =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** About how many half-width characters `text` spans. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE_CHAR.test(char) ? 2 : 1;
  return width;
}

function Cell({ value }: { value: CellValue | undefined }) {
  if (value === null || value === undefined) return <span className="cell-null">NULL</span>;
  if (typeof value === 'number') return <span className="cell-number">{value}</span>;
  const text = String(value);
  return (
    <span className="cell-value" title={displayWidth(text) > TOOLTIP_FROM_WIDTH ? text : undefined}>
      {text}
    </span>
  );
}

/**
 * Query result rows, one line per row, scrolling sideways when wide. Values render as text,
 * whatever they contain.
 */
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
