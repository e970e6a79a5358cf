import type { DictionaryEntry, DictionaryKind, WithWarnings } from '@quarry/shared';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../components/Field';
import { type FieldErrors, serverFieldErrors } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveEntry } from './api';
import { type EntryValues, entryValues, validateEntry } from './schema';

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
  const [values, setValues] = useState(() => entryValues(entry));
  const [errors, setErrors] = useState<FieldErrors>({});

  const change = (field: keyof EntryValues, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _fixed, ...rest }) => rest);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateEntry(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    save.mutate(
      { id: entry?.id, input: checked.data },
      {
        onSuccess: (saved) => onSaved(saved),
        onError: (error) =>
          setErrors(serverFieldErrors(error, ['abbreviation', 'full_name', 'columns'])),
      },
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field
        label={t('Abbreviation')}
        hint={t('As it appears in questions and SQL, e.g. HR.')}
        error={errors.abbreviation}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            value={values.abbreviation}
            onChange={(event) => change('abbreviation', event.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('Full name')}
        hint={t('As it is stored in the database, e.g. Human Resources.')}
        error={errors.full_name}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            value={values.full_name}
            onChange={(event) => change('full_name', event.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('Applies to columns (optional)')}
        hint={t(
          'table.column names, separated by spaces, e.g. departments.name. Then only values compared with these columns are rewritten, and the full name is checked against the data.',
        )}
        error={errors.columns}
      >
        {(control) => (
          <input
            {...control}
            className="input mono"
            value={values.columns}
            placeholder="departments.name"
            onChange={(event) => change('columns', event.target.value)}
          />
        )}
      </Field>
      <FormError message={errors._form} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('Cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? t('Saving…') : t('Save')}
        </button>
      </div>
    </form>
  );
}
