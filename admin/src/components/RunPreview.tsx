import type { ResultRow } from '@quarry/shared';
import { useT } from '../lib/i18n';
import { RequestError } from './Field';
import { ResultTable } from './ResultTable';

/**
 * A Run button over the first rows of what an editor holds, run read-only: the refusal in the
 * admin's language when it fails. `preview` is the run's mutation; nothing is stored.
 */
export function RunPreview({
  preview,
  run,
  ready,
}: {
  preview: {
    isPending: boolean;
    isError: boolean;
    error: unknown;
    /** The first rows, as the preview endpoints answer. */
    data: { columns: string[]; rows: ResultRow[]; capped: boolean } | undefined;
  };
  run: () => void;
  /** Whether there is anything to run yet. */
  ready: boolean;
}) {
  const t = useT();
  return (
    <section className="preview" aria-label={t('Preview')}>
      <div className="preview-bar">
        <button
          type="button"
          className="button"
          onClick={run}
          disabled={!ready || preview.isPending}
        >
          {preview.isPending ? t('Running…') : t('Run')}
        </button>
        <span className="muted">{t('Shows the first rows; nothing is changed.')}</span>
      </div>
      <RequestError request={preview} />
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
