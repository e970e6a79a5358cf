import { type FormEvent, useId, useState } from 'react';
import { RequestError } from '../../components/Field';
import { LazySqlEditor } from '../../components/LazySqlEditor';
import { Rewrites } from '../../components/Rewrites';
import { useT } from '../../lib/i18n';
import { DataSourceSelect } from '../datasources/DataSourceSelect';
import { useRewritePreview } from './api';
import { REWRITE_EXAMPLE } from './example';

/** "Try it": shows what the dictionaries do to a SQL string before any model writes one. */
export function RewritePreview() {
  const t = useT();
  const labelId = useId();
  const [sql, setSql] = useState(REWRITE_EXAMPLE);
  const [datasource, setDatasource] = useState('');
  const preview = useRewritePreview();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    preview.mutate({ sql, ...(datasource ? { datasource } : {}) });
  };
  const rewritten = preview.data?.sql;

  return (
    <section className="card try-it" aria-labelledby={`${labelId}-title`}>
      <h2 id={`${labelId}-title`}>{t('Try it')}</h2>
      <p className="muted">
        {t(
          'String literals equal to an abbreviation become the full name; identifiers never change.',
        )}
      </p>
      <form className="form" onSubmit={submit}>
        <span className="field-label" id={labelId}>
          {t('SQL to rewrite')}
        </span>
        <LazySqlEditor value={sql} onChange={setSql} labelledBy={labelId} minHeight="4rem" />
        <div className="form-actions form-actions-start">
          <label className="visually-hidden" htmlFor={`${labelId}-ds`}>
            {t('Data source')}
          </label>
          <DataSourceSelect
            control={{ id: `${labelId}-ds`, 'aria-invalid': false, 'aria-describedby': undefined }}
            value={datasource}
            onChange={setDatasource}
            allowEmpty
          />
          <button
            type="submit"
            className="button button-primary"
            disabled={!sql.trim() || preview.isPending}
          >
            {preview.isPending ? t('Rewriting…') : t('Rewrite')}
          </button>
        </div>
      </form>
      <RequestError request={preview} />
      {rewritten !== undefined ? (
        <div className="rewritten" aria-live="polite">
          <h3>{rewritten === preview.variables?.sql ? t('Unchanged') : t('Rewritten')}</h3>
          <pre className="code-block" data-testid="rewritten-sql">
            {rewritten}
          </pre>
          <Rewrites rewrites={preview.data?.rewrites} />
        </div>
      ) : null}
    </section>
  );
}
