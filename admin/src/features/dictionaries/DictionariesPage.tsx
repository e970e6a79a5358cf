import {
  DICTIONARY_KINDS,
  type DictionaryEntry,
  type DictionaryKind,
  describeReason,
} from '@quarry/shared';
import { useState } from 'react';
import { NavLink } from 'react-router';
import { ExportButtons } from '../../components/ExportButtons';
import { ImportDialog } from '../../components/ImportDialog';
import { PageHeader } from '../../components/Layout';
import { Pager, SearchBox } from '../../components/ListControls';
import { ConfirmDialog, Modal } from '../../components/Modal';
import { Empty, QueryState } from '../../components/states';
import { useLocale } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { useConfirmedDelete } from '../../lib/resources';
import { PAGE_SIZE, useListParams } from '../../lib/useListParams';
import { dictionaryPath, useDeleteEntry, useDictionary, useImportEntries } from './api';
import { EntryForm } from './EntryForm';
import { RewritePreview } from './RewritePreview';

const TAB_LABEL: Record<DictionaryKind, string> = {
  department: 'Departments',
  project: 'Projects',
};
const IMPORT_TITLE: Record<DictionaryKind, string> = {
  department: 'Import department abbreviations',
  project: 'Import project abbreviations',
};

/** Department and project abbreviations that generated SQL spells out in full. */
export function DictionariesPage({ kind }: { kind: DictionaryKind }) {
  const { t, locale } = useLocale();
  const notify = useNotify();
  const list = useListParams();
  const entries = useDictionary(kind, { q: list.q, page: list.page });
  const removal = useConfirmedDelete<DictionaryEntry>(useDeleteEntry(kind), t('Entry deleted.'));
  const importer = useImportEntries(kind);
  const [editing, setEditing] = useState<{ entry?: DictionaryEntry } | null>(null);
  const [importing, setImporting] = useState(false);

  return (
    <>
      <PageHeader
        title={t('Dictionaries')}
        description={t('Abbreviations people use, and the full names stored in the data.')}
      />
      <nav className="tabs" aria-label={t('Dictionaries')}>
        {DICTIONARY_KINDS.map((each) => (
          <NavLink key={each} to={`/dictionaries/${each}`} className="tab">
            {t(TAB_LABEL[each])}
          </NavLink>
        ))}
      </nav>
      <div className="split">
        <section className="split-main" aria-label={t(TAB_LABEL[kind])}>
          <div className="toolbar">
            <SearchBox
              label={t('Search abbreviations')}
              value={list.q}
              onChange={(q) => list.set({ q })}
            />
            <div className="toolbar-actions">
              <button
                type="button"
                className="button button-primary"
                onClick={() => setEditing({})}
              >
                {t('Add entry')}
              </button>
              <button type="button" className="button" onClick={() => setImporting(true)}>
                {t('Import')}
              </button>
              <ExportButtons
                path={`${dictionaryPath(kind)}/export`}
                filename={`${kind}-dictionary`}
              />
            </div>
          </div>
          <QueryState query={entries}>
            {(page) =>
              page.items.length === 0 ? (
                <Empty
                  title={
                    list.q
                      ? t('No entry matches “{q}”.', { q: list.q })
                      : t('This dictionary is empty.')
                  }
                />
              ) : (
                <>
                  <table className="table" aria-busy={entries.isFetching}>
                    <thead>
                      <tr>
                        <th scope="col">{t('Abbreviation')}</th>
                        <th scope="col">{t('Full name')}</th>
                        <th scope="col">
                          <span className="visually-hidden">{t('Actions')}</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {page.items.map((entry) => (
                        <tr key={entry.id}>
                          <td data-label={t('Abbreviation')}>
                            <code>{entry.abbreviation}</code>
                          </td>
                          <td data-label={t('Full name')}>
                            {entry.full_name}
                            {entry.columns.length > 0 ? (
                              <span className="cell-note muted mono">
                                {' '}
                                ({entry.columns.join(', ')})
                              </span>
                            ) : null}
                          </td>
                          <td className="cell-actions">
                            <div className="row-actions">
                              <button
                                type="button"
                                className="button button-small"
                                onClick={() => setEditing({ entry })}
                              >
                                {t('Edit')}
                              </button>
                              <button
                                type="button"
                                className="button button-small button-danger-quiet"
                                onClick={() => removal.ask(entry)}
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
        </section>
        <aside className="split-side">
          <RewritePreview />
        </aside>
      </div>
      {editing ? (
        <Modal
          title={editing.entry ? t('Edit entry') : t('Add entry')}
          onClose={() => setEditing(null)}
        >
          <EntryForm
            kind={kind}
            {...(editing.entry ? { entry: editing.entry } : {})}
            onSaved={(saved) => {
              notify('success', t('Entry saved.'));
              // Saved anyway: the admin may know better (data still to come), but should see it.
              for (const warning of saved.warnings ?? []) {
                notify('error', describeReason(warning, locale));
              }
              setEditing(null);
            }}
            onCancel={() => setEditing(null)}
          />
        </Modal>
      ) : null}
      {importing ? (
        <ImportDialog
          title={t(IMPORT_TITLE[kind])}
          columns="abbreviation,full_name,columns"
          importer={importer}
          onClose={() => {
            setImporting(false);
            importer.reset();
          }}
        />
      ) : null}
      {removal.deleting ? (
        <ConfirmDialog
          title={t('Delete this entry?')}
          message={
            <p>
              <code>{removal.deleting.abbreviation}</code> → {removal.deleting.full_name}
            </p>
          }
          confirmLabel={t('Delete')}
          busy={removal.busy}
          onConfirm={removal.confirm}
          onCancel={removal.cancel}
        />
      ) : null}
    </>
  );
}
