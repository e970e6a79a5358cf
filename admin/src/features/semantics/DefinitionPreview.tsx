import { ResultTable } from '../../components/ResultTable';
import { errorMessage } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { usePreviewDefinition } from './api';

/**
 * The "run" of a definition editor: runs the calculated field or metric as it would be saved
 * (validated like a save: guard and dry run) and shows its first rows. Nothing is stored.
 */
export function DefinitionPreview({
  datasource,
  kind,
  body,
  ready,
}: {
  datasource: string;
  kind: 'calculated-fields' | 'metrics';
  body: Record<string, string>;
  ready: boolean;
}) {
  const t = useT();
  const preview = usePreviewDefinition(datasource, kind);
  return (
    <section className="preview" aria-label={t('Preview')}>
      <div className="preview-bar">
        <button
          type="button"
          className="button"
          onClick={() => preview.mutate(body)}
          disabled={!ready || preview.isPending}
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
