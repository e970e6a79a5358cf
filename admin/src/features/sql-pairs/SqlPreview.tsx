import { ResultTable } from '../../components/ResultTable';
import { errorMessage } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { usePreviewSql } from '../datasources/api';

/**
 * Runs the SQL being edited against its data source (read-only, first rows only), so an admin
 * sees it works before saving it as an example.
 */
export function SqlPreview({ sql, datasource }: { sql: string; datasource: string }) {
  const t = useT();
  const preview = usePreviewSql();
  const run = () => preview.mutate({ datasource, sql });
  return (
    <section className="preview" aria-label={t('Preview')}>
      <div className="preview-bar">
        <button
          type="button"
          className="button"
          onClick={run}
          disabled={!sql.trim() || !datasource || preview.isPending}
        >
          {preview.isPending ? t('Running…') : t('Run')}
        </button>
        <span className="muted">{t('Shows the first rows; nothing is changed.')}</span>
      </div>
      {preview.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(preview.error)}
        </p>
      ) : null}
      {preview.data ? (
        <ResultTable
          label={t('Preview rows')}
          columns={preview.data.columns}
          rows={preview.data.rows}
          capped={preview.data.capped}
        />
      ) : null}
    </section>
  );
}
