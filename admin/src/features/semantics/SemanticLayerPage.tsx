import type { CalculatedField, Metric, Reason } from '@quarry/shared';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/Layout';
import { ConfirmDelete, Modal } from '../../components/Modal';
import { RowActions } from '../../components/RowActions';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { useConfirmedDelete } from '../../lib/resources';
import { useSchema } from '../datasources/api';
import { useCalculatedFields, useDeleteDefinition, useMetrics } from './api';
import { CalculatedFieldForm } from './CalculatedFieldForm';
import { MetricForm } from './MetricForm';
import { Problem } from './Problem';
import { RelationshipsSection } from './RelationshipsSection';
import { SemanticSection } from './SemanticSection';

type Editing =
  | { kind: 'field'; field?: CalculatedField }
  | { kind: 'metric'; metric?: Metric }
  | null;

/**
 * `/datasources/:name/semantics`: the data source's semantic layer beside its schema —
 * relationships (with suggestions to accept), calculated fields and metrics, each editor with
 * a run preview.
 */
export function SemanticLayerPage() {
  const t = useT();
  const notify = useNotify();
  const { name = '' } = useParams();
  const schema = useSchema(name);
  const fields = useCalculatedFields(name);
  const metrics = useMetrics(name);
  const [editing, setEditing] = useState<Editing>(null);
  const fieldRemoval = useConfirmedDelete<CalculatedField>(
    useDeleteDefinition(name, 'calculated-fields'),
    t('Calculated field deleted.'),
  );
  const metricRemoval = useConfirmedDelete<Metric>(
    useDeleteDefinition(name, 'metrics'),
    t('Metric deleted.'),
  );
  const tables = (schema.data?.tables ?? []).map((table) => table.name);
  const saved = (message: string) => () => {
    notify('success', message);
    setEditing(null);
  };

  return (
    <>
      <PageHeader
        title={t('Semantic layer of {name}', { name })}
        description={t(
          'What the company means, not just its tables: how tables join, calculated fields and metrics the assistant uses by name.',
        )}
        actions={
          <Link className="button" to={`/datasources/${encodeURIComponent(name)}`}>
            {t('Tables of {name}', { name })}
          </Link>
        }
      />
      <RelationshipsSection datasource={name} tables={tables} />

      <SemanticSection
        id="fields"
        title={t('Calculated fields')}
        newLabel={t('New calculated field')}
        onNew={() => setEditing({ kind: 'field' })}
        about={t(
          'A named expression on one table. The assistant sees it as a column; Quarry writes the expression out before the SQL runs.',
        )}
        query={fields}
        emptyTitle={t('No calculated fields yet.')}
        item={(field) => (
          <DefinitionCard
            key={field.id}
            name={`${field.table}.${field.name}`}
            definition={field}
            onEdit={() => setEditing({ kind: 'field', field })}
            onDelete={() => fieldRemoval.ask(field)}
          >
            <pre className="code-block mono">{field.expression}</pre>
          </DefinitionCard>
        )}
      />

      <SemanticSection
        id="metrics"
        title={t('Metrics')}
        newLabel={t('New metric')}
        onNew={() => setEditing({ kind: 'metric' })}
        about={t(
          'A named, reusable query. The assistant reads it like a table; Quarry runs its SQL in place (nothing is created in the database).',
        )}
        query={metrics}
        emptyTitle={t('No metrics yet.')}
        item={(metric) => (
          <DefinitionCard
            key={metric.id}
            name={metric.name}
            definition={metric}
            onEdit={() => setEditing({ kind: 'metric', metric })}
            onDelete={() => metricRemoval.ask(metric)}
          >
            <ul className="chips" aria-label={t('Columns')}>
              {metric.columns.map((column) => (
                <li key={column.name} className="chip">
                  {column.name}
                </li>
              ))}
            </ul>
            <pre className="code-block mono">{metric.sql}</pre>
          </DefinitionCard>
        )}
      />

      {editing?.kind === 'field' ? (
        <Modal
          wide
          title={editing.field ? t('Edit calculated field') : t('New calculated field')}
          onClose={() => setEditing(null)}
        >
          <CalculatedFieldForm
            datasource={name}
            tables={tables}
            {...(editing.field ? { field: editing.field } : {})}
            onSaved={saved(t('Calculated field saved.'))}
            onCancel={() => setEditing(null)}
          />
        </Modal>
      ) : null}
      {editing?.kind === 'metric' ? (
        <Modal
          wide
          title={editing.metric ? t('Edit metric') : t('New metric')}
          onClose={() => setEditing(null)}
        >
          <MetricForm
            datasource={name}
            {...(editing.metric ? { metric: editing.metric } : {})}
            onSaved={saved(t('Metric saved.'))}
            onCancel={() => setEditing(null)}
          />
        </Modal>
      ) : null}
      <ConfirmDelete
        removal={fieldRemoval}
        title={t('Delete this calculated field?')}
        message={(field) => (
          <code>
            {field.table}.{field.name}
          </code>
        )}
      />
      <ConfirmDelete
        removal={metricRemoval}
        title={t('Delete this metric?')}
        message={(metric) => <code>{metric.name}</code>}
      />
    </>
  );
}

/**
 * A calculated field's or metric's card: its name as SQL spells it with Edit and Delete, what
 * it means, its SQL (`children`), and what the schema broke in it, if anything.
 */
function DefinitionCard({
  name,
  definition,
  onEdit,
  onDelete,
  children,
}: {
  name: string;
  definition: { description: string; problem: string | null; problem_reason: Reason | null };
  onEdit: () => void;
  onDelete: () => void;
  children: ReactNode;
}) {
  return (
    <li className="card">
      <div className="card-head">
        <code className="table-name">{name}</code>
        <RowActions edit={onEdit} onDelete={onDelete} />
      </div>
      <p>{definition.description}</p>
      {children}
      <Problem definition={definition} />
    </li>
  );
}
