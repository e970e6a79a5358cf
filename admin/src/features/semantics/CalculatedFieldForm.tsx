import {
  type CalculatedField,
  type CalculatedFieldInput,
  calculatedFieldInputSchema,
} from '@quarry/shared';
import { RecordFormFrame, TextField } from '../../components/Field';
import { useRecordForm, validate } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveCalculatedField } from './api';
import { DefinitionPreview } from './DefinitionPreview';
import { TableSelect } from './TableSelect';

type Values = Record<keyof CalculatedFieldInput, string>;

/** A named expression on one table; the model sees it as a column of that table. */
export function CalculatedFieldForm({
  datasource,
  tables,
  field,
  onSaved,
  onCancel,
}: {
  datasource: string;
  tables: string[];
  field?: CalculatedField;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  const save = useSaveCalculatedField(datasource);
  const form = useRecordForm<Values, CalculatedFieldInput, CalculatedField>({
    initial: () => ({
      table: field?.table ?? tables[0] ?? '',
      name: field?.name ?? '',
      expression: field?.expression ?? '',
      description: field?.description ?? '',
    }),
    validate: (values) => validate(calculatedFieldInputSchema, values),
    save,
    id: field?.id,
    onSaved,
  });
  const { values } = form;

  return (
    <RecordFormFrame form={form} onCancel={onCancel}>
      <TableSelect label={t('Table')} tables={tables} {...form.field('table')} />
      <TextField
        label={t('Name')}
        hint={t('How SQL names it, like a column: tenure_years')}
        mono
        {...form.field('name')}
      />
      <TextField
        label={t('Expression')}
        hint={t("SQL over the table's columns, for example salary * 12")}
        mono
        rows={3}
        {...form.field('expression')}
      />
      <TextField
        label={t('Description')}
        hint={t('What it means, in the words people ask with (Chinese and English).')}
        rows={2}
        {...form.field('description')}
      />
      <DefinitionPreview
        datasource={datasource}
        kind="calculated-fields"
        body={{ table: values.table, name: values.name, expression: values.expression }}
        ready={Boolean(values.table && values.name.trim() && values.expression.trim())}
      />
    </RecordFormFrame>
  );
}
