import type { CellValue, ResultRow } from '@quarry/shared';
import { useMemo, useState } from 'react';
import { useLocale, useT } from '../lib/i18n';
import { Pager } from './ListControls';
import { Empty } from './states';
import { TableHead } from './TableHead';

/** Values wider than this (in half-width characters) may be cut with an ellipsis on a phone. */
const TOOLTIP_FROM_WIDTH = 24;
/** Rows per page: a 1,000-row result is 20 pages, not one 35,000-pixel page. */
const PAGE_SIZE = 50;

/** Characters that take two columns: CJK, Hangul, full-width forms. */
const WIDE_CHAR =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** Identifiers, codes and years read wrong with thousands separators ("2,025"). */
const UNFORMATTED_COLUMN = /(^|_)(id|no|code|number|year)s?$|编号|代码|年/i;
const DECIMAL_TEXT = /^-?\d+\.\d+$/;

/** About how many half-width characters `text` spans. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += WIDE_CHAR.test(char) ? 2 : 1;
  return width;
}

type NumberText = (value: number | string) => string;

function Cell({
  value,
  formatNumber,
}: {
  value: CellValue | undefined;
  formatNumber?: NumberText;
}) {
  if (value === null || value === undefined) return <span className="cell-null">NULL</span>;
  if (typeof value === 'number') {
    return <span className="cell-number">{formatNumber ? formatNumber(value) : value}</span>;
  }
  // Decimals some drivers send as text ("1234.50") are numbers to read, too.
  if (formatNumber && typeof value === 'string' && DECIMAL_TEXT.test(value)) {
    return <span className="cell-number">{formatNumber(value)}</span>;
  }
  const text = String(value);
  return (
    <span className="cell-value" title={displayWidth(text) > TOOLTIP_FROM_WIDTH ? text : undefined}>
      {text}
    </span>
  );
}

/**
 * Query result rows, one line per row, scrolling sideways when wide, a page at a time. Values
 * render as text, whatever they contain; with `formatNumbers`, measures get the locale's
 * thousands separators (identifiers and years stay as they are).
 */
export function ResultTable({
  columns,
  rows,
  rowCount,
  capped = false,
  label,
  formatNumbers = false,
}: {
  columns: string[];
  rows: ResultRow[];
  rowCount?: number;
  capped?: boolean;
  label: string;
  formatNumbers?: boolean;
}) {
  const t = useT();
  const { locale } = useLocale();
  // The page belongs to the rows it pages: a new result starts on its first page.
  const [paging, setPaging] = useState({ rows, page: 1 });
  const page = paging.rows === rows ? paging.page : 1;
  const setPage = (next: number) => setPaging({ rows, page: next });
  const count = useMemo(() => new Intl.NumberFormat(locale === 'zh' ? 'zh-CN' : 'en-US'), [locale]);
  const formatNumber = useMemo<NumberText>(() => {
    const formats = new Map<number, Intl.NumberFormat>();
    const tag = locale === 'zh' ? 'zh-CN' : 'en-US';
    return (value) => {
      const text = String(value);
      const decimals = Math.min(4, text.includes('.') ? text.length - text.indexOf('.') - 1 : 0);
      let format = formats.get(decimals);
      if (!format) {
        format = new Intl.NumberFormat(tag, {
          minimumFractionDigits: typeof value === 'string' ? decimals : 0,
          maximumFractionDigits: Math.max(decimals, 0),
        });
        formats.set(decimals, format);
      }
      const number = Number(value);
      return Number.isFinite(number) && Math.abs(number) < 1e15 ? format.format(number) : text;
    };
  }, [locale]);
  if (columns.length === 0) return <Empty title={t('The query returned no columns.')} />;
  const total = rowCount ?? rows.length;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = rows.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  return (
    <div className="result">
      <p className="result-summary">
        {capped
          ? t('The first {shown} rows; there may be more.', { shown: count.format(rows.length) })
          : t(total === 1 ? '1 row' : '{total} rows', { total: count.format(total) })}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it */}
      <section className="table-scroll" aria-label={label} tabIndex={0}>
        <table className="table table-compact">
          <TableHead columns={columns} />
          <tbody>
            {shown.map((row, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity of their own
              <tr key={index}>
                {columns.map((column) => (
                  <td key={column}>
                    <Cell
                      value={row[column]}
                      {...(formatNumbers && !UNFORMATTED_COLUMN.test(column)
                        ? { formatNumber }
                        : {})}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {rows.length > PAGE_SIZE ? (
        <Pager page={current} pageSize={PAGE_SIZE} total={rows.length} onPage={setPage} />
      ) : null}
      {rows.length === 0 ? <Empty title={t('No rows.')} /> : null}
    </div>
  );
}
