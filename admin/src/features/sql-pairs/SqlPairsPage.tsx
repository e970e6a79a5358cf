import { describeReason, type Reason, type SqlPair } from '@quarry/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { ExportButtons } from '../../components/ExportButtons';
import { ImportDialog } from '../../components/ImportDialog';
import { PageHeader } from '../../components/Layout';
import { Pager, SearchBox } from '../../components/ListControls';
import { ConfirmDialog } from '../../components/Modal';
import { Empty, QueryState } from '../../components/states';
import { formatTime, useLocale } from '../../lib/i18n';
import { useConfirmedDelete } from '../../lib/resources';
import { PAGE_SIZE, useListParams } from '../../lib/useListParams';
import { useDeleteSqlPair, useImportSqlPairs, useSqlPairs } from './api';

/** Verified question → SQL examples the model learns from, with search, paging and import. */
export function SqlPairsPage() {
  const { t, locale } = useLocale();
  const list = useListParams();
  const pairs = useSqlPairs({ q: list.q, page: list.page });
  const removal = useConfirmedDelete<SqlPair>(useDeleteSqlPair(), t('SQL pair deleted.'));
  const importer = useImportSqlPairs();
  const [importing, setImporting] = useState(false);

  return (
    <>
      <PageHeader
        title={t('SQL pairs')}
        description={t('Questions with the SQL that answers them. Quarry reuses them as examples.')}
        actions={
          <>
            <Link className="button button-primary" to="/sql-pairs/new">
              {t('New SQL pair')}
            </Link>
            <button type="button" className="button" onClick={() => setImporting(true)}>
              {t('Import')}
            </button>
            <ExportButtons path="/api/sql-pairs/export" filename="sql-pairs" />
          </>
        }
      />
      <div className="toolbar">
        <SearchBox
          label={t('Search questions and SQL')}
          value={list.q}
          onChange={(q) => list.set({ q })}
        />
      </div>
      <QueryState query={pairs}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty
              title={
                list.q ? t('No SQL pair matches “{q}”.', { q: list.q }) : t('No SQL pairs yet.')
              }
            >
              {list.q ? null : (
                <p>{t('Add one, import a file, or promote an ask from the history.')}</p>
              )}
            </Empty>
          ) : (
            <>
              <table className="table table-responsive" aria-busy={pairs.isFetching}>
                <thead>
                  <tr>
                    <th scope="col">{t('Question')}</th>
                    <th scope="col">{t('SQL')}</th>
                    <th scope="col">{t('Data source')}</th>
                    <th scope="col">{t('Updated')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('Actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((pair) => (
                    <tr key={pair.id}>
                      <td data-label={t('Question')} className="cell-wide">
                        <Link to={`/sql-pairs/${pair.id}`} className="row-title">
                          {pair.question}
                        </Link>
                        {pair.broken ? <BrokenBadge reason={pair.broken} /> : null}
                      </td>
                      <td data-label={t('SQL')} className="cell-wide">
                        <code className="sql-snippet" title={pair.sql}>
                          {pair.sql}
                        </code>
                      </td>
                      <td data-label={t('Data source')}>{pair.datasource}</td>
                      <td data-label={t('Updated')} className="nowrap">
                        {formatTime(pair.updated_at, locale)}
                      </td>
                      <td className="cell-actions">
                        <div className="row-actions">
                          <Link className="button button-small" to={`/sql-pairs/${pair.id}`}>
                            {t('Edit')}
                          </Link>
                          <button
                            type="button"
                            className="button button-small button-danger-quiet"
                            onClick={() => removal.ask(pair)}
                          >
                            {t('Delete')}
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager
                page={page.page}
                pageSize={page.page_size || PAGE_SIZE}
                total={page.total}
                onPage={(next) => list.set({ page: next })}
              />
            </>
          )
        }
      </QueryState>
      {importing ? (
        <ImportDialog
          title={t('Import SQL pairs')}
          columns="question,sql"
          importer={importer}
          onClose={() => {
            setImporting(false);
            importer.reset();
          }}
        />
      ) : null}
      {removal.deleting ? (
        <ConfirmDialog
          title={t('Delete this SQL pair?')}
          message={<q className="quote">{removal.deleting.question}</q>}
          confirmLabel={t('Delete')}
          busy={removal.busy}
          onConfirm={removal.confirm}
          onCancel={removal.cancel}
        />
      ) : null}
    </>
  );
}

/**
 * A pair whose SQL no longer passes its check (the schema changed since it was saved): it is
 * no longer used to answer or teach, and the reason says what to fix.
 */
export function BrokenBadge({ reason }: { reason: Reason }) {
  const { t, locale } = useLocale();
  return (
    <>
      <span className="badge badge-broken">{t('Broken')}</span>
      <span className="cell-note muted">{describeReason(reason, locale)}</span>
    </>
  );
}
