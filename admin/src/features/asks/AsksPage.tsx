import { ASK_SOURCES, ASK_STATUSES } from '@quarry/shared';
import { Link } from 'react-router';
import { PageHeader } from '../../components/Layout';
import { FilterSelect, SearchBox } from '../../components/ListControls';
import { PagedTable } from '../../components/PagedTable';
import { Empty } from '../../components/states';
import { formatTime, useLocale } from '../../lib/i18n';
import { useListParams } from '../../lib/useListParams';
import { useAsks } from './api';
import {
  Asker,
  RatingMark,
  ReviewMarks,
  SOURCE_LABEL,
  StatusBadge,
  statusLabel,
  totalSeconds,
} from './labels';

const FILTERS = ['status', 'rating', 'source', 'review'] as const;

/** Per-stage times on hover, so a slow stage shows without opening the ask. */
function stageBreakdown(timings: Record<string, number>): string {
  return Object.entries(timings)
    .map(([stage, ms]) => `${stage}: ${Math.round(ms)} ms`)
    .join('\n');
}

/** Every question asked, wherever it came from, newest first. */
export function AsksPage() {
  const { t, locale } = useLocale();
  const list = useListParams(FILTERS);
  const { status = '', rating = '', source = '', review = '' } = list.filters;
  const asks = useAsks({ q: list.q, page: list.page, status, rating, source, review });
  const filtered = Boolean(list.q || status || rating || source || review);

  return (
    <>
      <PageHeader
        title={t('Ask history')}
        description={t(
          'Every question asked in Slack, over the WebSocket or the API, and what Quarry did with it.',
        )}
      />
      <div className="toolbar filters">
        <SearchBox label={t('Search questions, SQL and names')} {...list.search} />
        <FilterSelect
          label={t('Status')}
          value={status}
          onChange={(status) => list.set({ status })}
          options={ASK_STATUSES.map((each) => [each, t(statusLabel(each))])}
        />
        <FilterSelect
          label={t('Feedback')}
          value={rating}
          onChange={(rating) => list.set({ rating })}
          options={[
            ['up', t('Helpful')],
            ['down', t('Not helpful')],
            ['none', t('No feedback')],
          ]}
        />
        <FilterSelect
          label={t('Source')}
          value={source}
          onChange={(source) => list.set({ source })}
          options={ASK_SOURCES.map((each) => [each, t(SOURCE_LABEL[each])])}
        />
        <FilterSelect
          label={t('Review')}
          value={review}
          onChange={(review) => list.set({ review })}
          options={[
            ['unreviewed', t('Unreviewed')],
            ['verified', t('Verified')],
            ['rejected', t('Rejected')],
          ]}
        />
      </div>
      <PagedTable
        query={asks}
        onPage={list.setPage}
        empty={
          <Empty
            title={
              filtered ? t('No ask matches these filters.') : t('Nobody has asked anything yet.')
            }
          >
            {filtered ? null : (
              <p>
                <Link to="/playground">{t('Ask a question in the playground.')}</Link>
              </p>
            )}
          </Empty>
        }
        className="table table-responsive"
        columns={[
          t('Question'),
          t('Status'),
          t('Who'),
          t('Where'),
          t('Rows'),
          t('Time'),
          t('Feedback'),
          t('Asked at'),
        ]}
        row={(ask) => (
          <tr key={ask.id}>
            <td data-label={t('Question')} className="cell-wide">
              <Link to={`/asks/${encodeURIComponent(ask.id)}`} className="row-title">
                {ask.question}
              </Link>
              {ask.sql ? (
                <code className="sql-snippet" title={ask.sql}>
                  {ask.sql}
                </code>
              ) : null}
            </td>
            <td data-label={t('Status')}>
              <StatusBadge status={ask.status} />
              <ReviewMarks ask={ask} />
            </td>
            <td data-label={t('Who')}>
              <Asker ask={ask} />
            </td>
            <td data-label={t('Where')}>
              {t(SOURCE_LABEL[ask.source] ?? ask.source)}
              <span className="muted"> · {ask.datasource}</span>
            </td>
            <td data-label={t('Rows')} className="num">
              {ask.row_count ?? '—'}
            </td>
            <td data-label={t('Time')} className="num nowrap" title={stageBreakdown(ask.timings)}>
              {t('{s} s', { s: totalSeconds(ask.timings) })}
            </td>
            <td data-label={t('Feedback')}>
              <RatingMark rating={ask.rating} />
            </td>
            <td data-label={t('Asked at')} className="nowrap">
              {formatTime(ask.created_at, locale)}
            </td>
          </tr>
        )}
      />
    </>
  );
}
