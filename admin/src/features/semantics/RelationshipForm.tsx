import {
  RELATIONSHIP_KINDS,
  type Relationship,
  type RelationshipInput,
  type RelationshipKind,
  relationshipInputSchema,
} from '@quarry/shared';
import { Field, RecordFormFrame, TextField } from '../../components/Field';
import { useRecordForm, validate } from '../../lib/forms';
import { useT } from '../../lib/i18n';
import { useSaveRelationship } from './api';
import { TableSelect } from './TableSelect';

interface Values {
  from_table: string;
  from_columns: string;
  to_table: string;
  to_columns: string;
  kind: RelationshipKind;
}

const columnList = (text: string) =>
  text
    .split(',')
    .map((column) => column.trim())
    .filter(Boolean);

/** How the kinds read to an admin. */
export function useKindLabel() {
  const t = useT();
  return (kind: RelationshipKind) =>
    ({
      many_to_one: t('many to one'),
      one_to_many: t('one to many'),
      one_to_one: t('one to one'),
    })[kind];
}

/** A join condition the database does not declare: columns of one table equal another's. */
export function RelationshipForm({
  datasource,
  tables,
  onSaved,
  onCancel,
}: {
  datasource: string;
  tables: string[];
  onSaved: (saved: Relationship) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const kindLabel = useKindLabel();
  const save = useSaveRelationship(datasource);
  const form = useRecordForm<Values, RelationshipInput, Relationship>({
    initial: () => ({
      from_table: tables[0] ?? '',
      from_columns: '',
      to_table: tables[1] ?? tables[0] ?? '',
      to_columns: '',
      kind: 'many_to_one',
    }),
    validate: (values) =>
      validate(relationshipInputSchema, {
        ...values,
        from_columns: columnList(values.from_columns),
        to_columns: columnList(values.to_columns),
      }),
    save,
    id: undefined,
    onSaved,
  });
  const { values, errors, change } = form;
  const columnsInput = (field: 'from_columns' | 'to_columns', label: string) => (
    <TextField
      label={label}
      hint={t('Comma-separated when the key has several columns.')}
      mono
      {...form.field(field)}
    />
  );

  return (
    <RecordFormFrame form={form} onCancel={onCancel}>
      <TableSelect label={t('From table')} tables={tables} {...form.field('from_table')} />
      {columnsInput('from_columns', t('From columns'))}
      <TableSelect label={t('To table')} tables={tables} {...form.field('to_table')} />
      {columnsInput('to_columns', t('To columns'))}
      <Field label={t('Kind')} error={errors.kind}>
        {(control) => (
          <select
            {...control}
            className="input"
            value={values.kind}
            onChange={(event) => change('kind', event.target.value as RelationshipKind)}
          >
            {RELATIONSHIP_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kindLabel(kind)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </RecordFormFrame>
  );
}
