import { useT } from '../../lib/i18n';

/**
 * Ask and Stop as two controls that never trade places: a Stop that turned into Ask under the
 * pointer resubmitted the question instead of stopping it. Stop is enabled only while an ask
 * runs; Ask waits until it is over.
 */
export function AskControls({ running, onStop }: { running: boolean; onStop: () => void }) {
  const t = useT();
  return (
    <div className="ask-buttons">
      <button type="submit" className="button button-primary" disabled={running}>
        {t('Ask')}
      </button>
      <button
        type="button"
        className="button button-danger"
        disabled={!running}
        aria-disabled={!running}
        onClick={onStop}
      >
        {t('Stop')}
      </button>
    </div>
  );
}
