import { describeReasonApart, type Reason, type SqlPair } from '@quarry/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { ExportButtons } from '../../components/ExportButtons';
import { ErrorDetail } from '../../components/Field';
import { ImportDialog } from '../../components/ImportDialog';
import { PageHeader } from '../../components/Layout';
import { SearchBox } from '../../components/ListControls';
import { ConfirmDelete } from '../../components/Modal';
import { PagedTable } from '../../components/PagedTable';
import { RowActions } from '../../components/RowActions';
import { Empty } from '../../components/states';
import { formatTime, useLocale } from '../../lib/i18n';
import { useConfirmedDelete } from '../../lib/resources';
import { useListParams } from '../../lib/useListParams';
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
        <SearchBox label={t('Search questions and SQL')} {...list.search} />
      </div>
      <PagedTable
        query={pairs}
        onPage={list.setPage}
        empty={
          <Empty
            title={list.q ? t('No SQL pair matches “{q}”.', { q: list.q }) : t('No SQL pairs yet.')}
          >
            {list.q ? null : (
              <p>{t('Add one, import a file, or promote an ask from the history.')}</p>
            )}
          </Empty>
        }
        className="table table-responsive"
        columns={[t('Question'), t('SQL'), t('Data source'), t('Updated')]}
        actions
        row={(pair) => (
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
              <RowActions edit={`/sql-pairs/${pair.id}`} onDelete={() => removal.ask(pair)} />
            </td>
          </tr>
        )}
      />
      {importing ? (
        <ImportDialog
          title={t('Import SQL pairs')}
          columns="question,sql"
          importer={importer}
          onClose={() => setImporting(false)}
        />
      ) : null}
      <ConfirmDelete
        removal={removal}
        title={t('Delete this SQL pair?')}
        message={(pair) => <q className="quote">{pair.question}</q>}
      />
    </>
  );
}

/**
 * A pair whose SQL no longer passes its check (the schema changed since it was saved): it is
 * no longer used to answer or teach, and the reason says what to fix.
 */
export function BrokenBadge({ reason }: { reason: Reason }) {
  const { t, locale } = useLocale();
  const said = describeReasonApart(reason, locale);
  return (
    <>
      <span className="badge badge-broken">{t('Broken')}</span>
      <span className="cell-note muted">{said.message}</span>
      <ErrorDetail detail={said.detail} />
    </>
  );
}
