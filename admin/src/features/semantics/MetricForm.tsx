import { type Metric, type MetricInput, metricInputSchema } from '@quarry/shared';
import { Field, FormError } from '../../components/Field';
import { useRecordForm, validate } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveMetric } from './api';
import { DefinitionPreview } from './DefinitionPreview';

type Values = Record<keyof MetricInput, string>;

/** A named, described, read-only query; the model sees it as a table. */
export function MetricForm({
  datasource,
  metric,
  onSaved,
  onCancel,
}: {
  datasource: string;
  metric?: Metric;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  const save = useSaveMetric(datasource);
  const form = useRecordForm<Values, MetricInput, Metric>({
    initial: () => ({
      name: metric?.name ?? '',
      description: metric?.description ?? '',
      sql: metric?.sql ?? '',
    }),
    validate: (values) => validate(metricInputSchema, values),
    save,
    id: metric?.id,
    onSaved,
  });
  const { values, errors, change } = form;

  return (
    <form className="form" onSubmit={form.submit} noValidate>
      <Field
        label={t('Name')}
        hint={t('How SQL reads it, like a table: monthly_sales_by_region')}
        error={errors.name}
      >
        {(control) => (
          <input
            {...control}
            className="input mono"
            value={values.name}
            onChange={(event) => change('name', event.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('Description')}
        hint={t('What it measures, in the words people ask with (Chinese and English).')}
        error={errors.description}
      >
        {(control) => (
          <textarea
            {...control}
            className="input"
            rows={2}
            value={values.description}
            onChange={(event) => change('description', event.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('SQL')}
        hint={t(
          'One read-only SELECT; its output columns (each with a plain name) are the dimensions and measures.',
        )}
        error={errors.sql}
      >
        {(control) => (
          <textarea
            {...control}
            className="input mono"
            rows={8}
            value={values.sql}
            onChange={(event) => change('sql', event.target.value)}
          />
        )}
      </Field>
      <DefinitionPreview
        datasource={datasource}
        kind="metrics"
        body={{ sql: values.sql }}
        ready={Boolean(values.sql.trim())}
      />
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
