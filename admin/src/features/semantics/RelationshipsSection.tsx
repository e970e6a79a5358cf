import type { Relationship, RelationshipInput } from '@quarry/shared';
import { useState } from 'react';
import { Modal } from '../../components/Modal';
import { QueryState } from '../../components/states';
import { errorMessage } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import {
  useDeleteDefinition,
  useRelationshipSuggestions,
  useRelationships,
  useSaveRelationship,
} from './api';
import { Problem } from './Problem';
import { RelationshipForm, useKindLabel } from './RelationshipForm';
import { SemanticSection } from './SemanticSection';

const joinText = (r: RelationshipInput) =>
  `${r.from_table}(${r.from_columns.join(', ')}) → ${r.to_table}(${r.to_columns.join(', ')})`;

/**
 * How the tables join: the keys the database declares (read-only), the admin's relationships,
 * and suggestions by name and type to accept with one click.
 */
export function RelationshipsSection({
  datasource,
  tables,
}: {
  datasource: string;
  tables: string[];
}) {
  const t = useT();
  const notify = useNotify();
  const kindLabel = useKindLabel();
  const relationships = useRelationships(datasource);
  const remove = useDeleteDefinition(datasource, 'relationships');
  const [creating, setCreating] = useState(false);

  const removeRelationship = (relationship: Relationship) => {
    if (relationship.id === null) return;
    remove.mutate(relationship.id, {
      onSuccess: () => notify('success', t('Relationship deleted.')),
    });
  };

  return (
    <SemanticSection
      id="relationships"
      title={t('Relationships')}
      newLabel={t('New relationship')}
      onNew={() => setCreating(true)}
      about={t(
        'How tables join. Retrieval follows them to bring join partners, and the model reads each join condition.',
      )}
      query={relationships}
      emptyTitle={t('No relationships yet.')}
      more={
        <>
          <SuggestedRelationships datasource={datasource} />
          {creating ? (
            <Modal title={t('New relationship')} onClose={() => setCreating(false)}>
              <RelationshipForm
                datasource={datasource}
                tables={tables}
                onSaved={() => {
                  notify('success', t('Relationship added.'));
                  setCreating(false);
                }}
                onCancel={() => setCreating(false)}
              />
            </Modal>
          ) : null}
        </>
      }
      item={(relationship) => (
        <li key={relationship.id ?? `declared:${joinText(relationship)}`} className="card">
          <div className="card-head">
            <code>{joinText(relationship)}</code>
            <span className="badge badge-muted">{kindLabel(relationship.kind)}</span>
            {relationship.source === 'declared' ? (
              <span className="badge badge-muted">{t('Declared by the database')}</span>
            ) : (
              <div className="row-actions">
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  onClick={() => removeRelationship(relationship)}
                  aria-label={t('Delete {what}', { what: joinText(relationship) })}
                >
                  {t('Delete')}
                </button>
              </div>
            )}
          </div>
          <Problem definition={relationship} />
        </li>
      )}
    />
  );
}

/** Keys the names and types suggest, each added with one click. */
function SuggestedRelationships({ datasource }: { datasource: string }) {
  const t = useT();
  const notify = useNotify();
  const kindLabel = useKindLabel();
  const suggestions = useRelationshipSuggestions(datasource);
  const accept = useSaveRelationship(datasource);
  const acceptSuggestion = (input: RelationshipInput) =>
    accept.mutate(
      { input },
      {
        onSuccess: () => notify('success', t('Relationship added.')),
        onError: (error) => notify('error', errorMessage(error)),
      },
    );
  return (
    <QueryState query={suggestions}>
      {(items) =>
        items.length === 0 ? null : (
          <div className="suggestions">
            <h3>{t('Suggested relationships')}</h3>
            <p className="muted small">
              {t('Columns whose names and types look like keys of another table.')}
            </p>
            <ul className="card-list" aria-label={t('Suggested relationships')}>
              {items.map((suggestion) => (
                <li key={joinText(suggestion)} className="card">
                  <div className="card-head">
                    <code>{joinText(suggestion)}</code>
                    <span className="badge badge-muted">{kindLabel(suggestion.kind)}</span>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="button button-small button-primary"
                        disabled={accept.isPending}
                        onClick={() => acceptSuggestion(suggestion)}
                        aria-label={t('Accept {what}', { what: joinText(suggestion) })}
                      >
                        {t('Accept')}
                      </button>
                    </div>
                  </div>
                </li>
              ))}
            </ul>
          </div>
        )
      }
    </QueryState>
  );
}
