import type { DataSourceView } from '@quarry/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/Layout';
import { ConfirmDelete, Modal } from '../../components/Modal';
import { RowActions } from '../../components/RowActions';
import { Empty, QueryState } from '../../components/states';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { useConfirmedDelete } from '../../lib/resources';
import { useDataSources, useDeleteDataSource } from './api';
import { DataSourceForm } from './DataSourceForm';

/** The databases people ask about. */
export function DataSourcesPage() {
  const t = useT();
  const notify = useNotify();
  const sources = useDataSources();
  const removal = useConfirmedDelete<DataSourceView>(
    useDeleteDataSource(),
    t('Data source deleted.'),
  );
  const [editing, setEditing] = useState<{ source?: DataSourceView } | null>(null);

  return (
    <>
      <PageHeader
        title={t('Data sources')}
        description={t(
          'Databases Quarry answers questions about. Describe tables and columns to help it find the right ones.',
        )}
        actions={
          <button type="button" className="button button-primary" onClick={() => setEditing({})}>
            {t('Add data source')}
          </button>
        }
      />
      <QueryState query={sources}>
        {(items) =>
          items.length === 0 ? (
            <Empty title={t('No data sources yet.')} />
          ) : (
            <ul className="card-list card-grid">
              {items.map((source) => (
                <li key={source.id} className="card">
                  <div className="card-head">
                    <h2 className="card-title">
                      <Link to={`/datasources/${encodeURIComponent(source.name)}`}>
                        {source.name}
                      </Link>
                    </h2>
                    {source.name === 'default' ? (
                      <span className="badge badge-muted">{t('Default')}</span>
                    ) : null}
                  </div>
                  <p className="mono small break">{source.url}</p>
                  {source.description ? <p className="prewrap">{source.description}</p> : null}
                  <RowActions
                    edit={() => setEditing({ source })}
                    onDelete={source.name === 'default' ? undefined : () => removal.ask(source)}
                  >
                    <Link
                      className="button button-small"
                      to={`/datasources/${encodeURIComponent(source.name)}`}
                    >
                      {t('Tables and columns')}
                    </Link>
                  </RowActions>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      {editing ? (
        <Modal
          title={editing.source ? t('Edit data source') : t('Add data source')}
          onClose={() => setEditing(null)}
        >
          <DataSourceForm
            {...(editing.source ? { source: editing.source } : {})}
            onSaved={() => {
              notify('success', t('Data source saved.'));
              setEditing(null);
            }}
            onCancel={() => setEditing(null)}
          />
        </Modal>
      ) : null}
      <ConfirmDelete
        removal={removal}
        title={t('Delete this data source?')}
        message={(source) => (
          <p>
            {t('Questions can no longer be asked about {name}. SQL pairs written for it stay.', {
              name: source.name,
            })}
          </p>
        )}
      />
    </>
  );
}
