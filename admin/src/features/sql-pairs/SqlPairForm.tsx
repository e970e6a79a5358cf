import type { SqlPair } from '@quarry/shared';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../components/Field';
import { LazySqlEditor } from '../../components/LazySqlEditor';
import { type FieldErrors, serverFieldErrors } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { DataSourceSelect } from '../datasources/DataSourceSelect';
import { useSaveSqlPair } from './api';
import { SqlPreview } from './SqlPreview';
import { type SqlPairValues, sqlPairValues, validateSqlPair } from './schema';

/** Creates a SQL pair, or edits `pair`: a question and the SQL that answers it. */
export function SqlPairForm({
  pair,
  defaults,
  onSaved,
  onCancel,
}: {
  pair?: SqlPair;
  defaults?: Partial<SqlPairValues>;
  onSaved: (pair: SqlPair) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const save = useSaveSqlPair();
  const [values, setValues] = useState(() => sqlPairValues(pair, defaults));
  const [errors, setErrors] = useState<FieldErrors>({});

  const change = (field: keyof SqlPairValues, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validateSqlPair(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    save.mutate(
      { id: pair?.id, input: checked.data },
      {
        onSuccess: (saved) => onSaved(saved),
        onError: (error) => setErrors(serverFieldErrors(error, Object.keys(values))),
      },
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field
        label={t('Question')}
        hint={t('Phrase it the way people ask it.')}
        error={errors.question}
      >
        {(control) => (
          <textarea
            {...control}
            className="input"
            rows={2}
            value={values.question}
            onChange={(event) => change('question', event.target.value)}
          />
        )}
      </Field>
      <Field label={t('Data source')} error={errors.datasource}>
        {(control) => (
          <DataSourceSelect
            control={control}
            value={values.datasource}
            onChange={(name) => change('datasource', name)}
          />
        )}
      </Field>
      <Field label={t('SQL')} error={errors.sql}>
        {(control, labelId) => (
          <LazySqlEditor
            value={values.sql}
            onChange={(sql) => change('sql', sql)}
            labelledBy={labelId}
            describedBy={control['aria-describedby']}
            invalid={control['aria-invalid']}
            placeholder="SELECT …"
          />
        )}
      </Field>
      <SqlPreview sql={values.sql} datasource={values.datasource} />
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
