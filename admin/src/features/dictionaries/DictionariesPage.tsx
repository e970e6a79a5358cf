import { DICTIONARY_KINDS, type DictionaryEntry, type DictionaryKind } from '@quarry/shared';
import { useState } from 'react';
import { NavLink } from 'react-router';
import { ImportDialog } from '../../components/ImportDialog';
import { PageHeader } from '../../components/Layout';
import { ConfirmDelete } from '../../components/Modal';
import { useT } from '../../lib/i18n';
import { useConfirmedDelete } from '../../lib/resources';
import { useDeleteEntry, useImportEntries } from './api';
import { EntryDialog } from './EntryDialog';
import { EntryList } from './EntryList';
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
  const t = useT();
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
          <EntryList
            kind={kind}
            onAdd={() => setEditing({})}
            onImport={() => setImporting(true)}
            onEdit={(entry) => setEditing({ entry })}
            onDelete={removal.ask}
          />
        </section>
        <aside className="split-side">
          <RewritePreview />
        </aside>
      </div>
      {editing ? (
        <EntryDialog kind={kind} entry={editing.entry} onClose={() => setEditing(null)} />
      ) : null}
      {importing ? (
        <ImportDialog
          title={t(IMPORT_TITLE[kind])}
          columns="abbreviation,full_name,columns"
          importer={importer}
          onClose={() => setImporting(false)}
        />
      ) : null}
      <ConfirmDelete
        removal={removal}
        title={t('Delete this entry?')}
        message={(entry) => (
          <p>
            <code>{entry.abbreviation}</code> → {entry.full_name}
          </p>
        )}
      />
    </>
  );
}
