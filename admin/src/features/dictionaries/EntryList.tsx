import type { DictionaryEntry, DictionaryKind } from '@quarry/shared';
import { ExportButtons } from '../../components/ExportButtons';
import { SearchBox } from '../../components/ListControls';
import { PagedTable } from '../../components/PagedTable';
import { RowActions } from '../../components/RowActions';
import { Empty } from '../../components/states';
import { useT } from '../../lib/i18n';
import { useListParams } from '../../lib/useListParams';
import { dictionaryPath, useDictionary } from './api';

/** One dictionary's entries, searchable and paged, with its add, import and export buttons. */
export function EntryList({
  kind,
  onAdd,
  onImport,
  onEdit,
  onDelete,
}: {
  kind: DictionaryKind;
  onAdd: () => void;
  onImport: () => void;
  onEdit: (entry: DictionaryEntry) => void;
  onDelete: (entry: DictionaryEntry) => void;
}) {
  const t = useT();
  const list = useListParams();
  const entries = useDictionary(kind, { q: list.q, page: list.page });

  return (
    <>
      <div className="toolbar">
        <SearchBox label={t('Search abbreviations')} {...list.search} />
        <div className="toolbar-actions">
          <button type="button" className="button button-primary" onClick={onAdd}>
            {t('Add entry')}
          </button>
          <button type="button" className="button" onClick={onImport}>
            {t('Import')}
          </button>
          <ExportButtons path={`${dictionaryPath(kind)}/export`} filename={`${kind}-dictionary`} />
        </div>
      </div>
      <PagedTable
        query={entries}
        onPage={list.setPage}
        empty={
          <Empty
            title={
              list.q ? t('No entry matches “{q}”.', { q: list.q }) : t('This dictionary is empty.')
            }
          />
        }
        columns={[t('Abbreviation'), t('Full name')]}
        actions
        row={(entry) => (
          <tr key={entry.id}>
            <td data-label={t('Abbreviation')}>
              <code>{entry.abbreviation}</code>
            </td>
            <td data-label={t('Full name')}>
              {entry.full_name}
              {entry.columns.length > 0 ? (
                <span className="cell-note muted mono"> ({entry.columns.join(', ')})</span>
              ) : null}
            </td>
            <td className="cell-actions">
              <RowActions edit={() => onEdit(entry)} onDelete={() => onDelete(entry)} />
            </td>
          </tr>
        )}
      />
    </>
  );
}
