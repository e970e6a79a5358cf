import { type Metric, type MetricInput, metricInputSchema } from '@quarry/shared';
import { RecordFormFrame, TextField } from '../../components/Field';
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
  const { values } = form;

  return (
    <RecordFormFrame form={form} onCancel={onCancel}>
      <TextField
        label={t('Name')}
        hint={t('How SQL reads it, like a table: monthly_sales_by_region')}
        mono
        {...form.field('name')}
      />
      <TextField
        label={t('Description')}
        hint={t('What it measures, in the words people ask with (Chinese and English).')}
        rows={2}
        {...form.field('description')}
      />
      <TextField
        label={t('SQL')}
        hint={t(
          'One read-only SELECT; its output columns (each with a plain name) are the dimensions and measures.',
        )}
        mono
        rows={8}
        {...form.field('sql')}
      />
      <DefinitionPreview
        datasource={datasource}
        kind="metrics"
        body={{ sql: values.sql }}
        ready={Boolean(values.sql.trim())}
      />
    </RecordFormFrame>
  );
}
