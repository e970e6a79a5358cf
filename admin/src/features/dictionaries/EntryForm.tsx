import type { DictionaryEntry, DictionaryKind, WithWarnings } from '@quarry/shared';
import { RecordFormFrame, TextField } from '../../components/Field';
import { useRecordForm } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveEntry } from './api';
import { entryValues, validateEntry } from './schema';

/** One abbreviation and the full name generated SQL should use instead. */
export function EntryForm({
  kind,
  entry,
  onSaved,
  onCancel,
}: {
  kind: DictionaryKind;
  entry?: DictionaryEntry;
  onSaved: (entry: DictionaryEntry & WithWarnings) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const save = useSaveEntry(kind);
  const form = useRecordForm({
    initial: () => entryValues(entry),
    validate: validateEntry,
    save,
    id: entry?.id,
    onSaved,
  });

  return (
    <RecordFormFrame form={form} onCancel={onCancel}>
      <TextField
        label={t('Abbreviation')}
        hint={t('As it appears in questions and SQL, e.g. HR.')}
        {...form.field('abbreviation')}
      />
      <TextField
        label={t('Full name')}
        hint={t('As it is stored in the database, e.g. Human Resources.')}
        {...form.field('full_name')}
      />
      <TextField
        label={t('Applies to columns (optional)')}
        hint={t(
          'table.column names, separated by spaces, e.g. departments.name. Then only values compared with these columns are rewritten, and the full name is checked against the data.',
        )}
        mono
        placeholder="departments.name"
        {...form.field('columns')}
      />
    </RecordFormFrame>
  );
}
