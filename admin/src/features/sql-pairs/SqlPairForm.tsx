import type { SqlPair } from '@quarry/shared';
import { Field, RecordFormFrame, TextField } from '../../components/Field';
import { LazySqlEditor } from '../../components/LazySqlEditor';
import { useRecordForm } from '../../lib/forms';
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
  const form = useRecordForm({
    initial: () => sqlPairValues(pair, defaults),
    validate: validateSqlPair,
    save,
    id: pair?.id,
    onSaved,
  });
  const { values, errors, change } = form;

  return (
    <RecordFormFrame form={form} onCancel={onCancel}>
      <TextField
        label={t('Question')}
        hint={t('Phrase it the way people ask it.')}
        rows={2}
        {...form.field('question')}
      />
      <Field label={t('Data source')} error={errors.datasource}>
        {(control) => (
          <DataSourceSelect
            control={control}
            value={values.datasource}
            onChange={(name) => change('datasource', name)}
          />
        )}
      </Field>
      <Field label={t('SQL')} error={errors.sql} detail={errors['sql:detail']}>
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
    </RecordFormFrame>
  );
}
