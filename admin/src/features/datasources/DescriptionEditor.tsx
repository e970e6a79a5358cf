import { type FormEvent, useId, useState } from 'react';
import { RequestError } from '../../components/Field';
import { useT } from '../../lib/i18n';
import { useSaveDescription } from './api';

/**
 * A table's or column's description, edited in place. Descriptions are what schema retrieval
 * matches questions against, so cryptic names (`dept_cd`) deserve one.
 */
export function DescriptionEditor({
  datasource,
  table,
  column,
  value,
  subject,
}: {
  datasource: string;
  table: string;
  column?: string;
  value: string;
  /** What is described, for the label: "orders" or "orders.total". */
  subject: string;
}) {
  const t = useT();
  const id = useId();
  const save = useSaveDescription(datasource);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      { table, column: column ?? null, description: draft.trim() },
      { onSuccess: () => setEditing(false) },
    );
  };

  if (!editing) {
    return (
      <div className="description">
        {value ? (
          <span className="prewrap">{value}</span>
        ) : (
          <span className="muted">{t('No description')}</span>
        )}
        <button
          type="button"
          className="button button-small button-quiet"
          aria-label={t('Describe {subject}', { subject })}
          onClick={() => {
            setDraft(value);
            setEditing(true);
          }}
        >
          {value ? t('Edit') : t('Describe')}
        </button>
      </div>
    );
  }
  return (
    <form className="description-form" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={id}>
        {t('Description of {subject}', { subject })}
      </label>
      <textarea
        id={id}
        className="input"
        rows={2}
        value={draft}
        maxLength={4000}
        onChange={(event) => setDraft(event.target.value)}
      />
      <RequestError request={save} inField />
      <div className="form-actions form-actions-start">
        <button
          type="submit"
          className="button button-small button-primary"
          disabled={save.isPending}
        >
          {save.isPending ? t('Saving…') : t('Save')}
        </button>
        <button type="button" className="button button-small" onClick={() => setEditing(false)}>
          {t('Cancel')}
        </button>
      </div>
    </form>
  );
}
