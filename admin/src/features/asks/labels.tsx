import type { AskRecord, AskSource, AskStatus, FeedbackRating } from '@quarry/shared';
import { ThumbIcon } from '../../components/ThumbIcon';
import { useT } from '../../lib/i18n';

export const SOURCE_LABEL: Record<AskSource, string> = {
  slack: 'Slack',
  ws: 'WebSocket',
  api: 'API',
  console: 'Console',
};

const STATUS_LABEL: Record<AskStatus, string> = {
  understanding: 'Understanding',
  searching: 'Searching',
  planning: 'Planning',
  generating: 'Generating',
  correcting: 'Correcting',
  executing: 'Executing',
  finished: 'Finished',
  failed: 'Failed',
  stopped: 'Stopped',
};

export function statusLabel(status: AskStatus): string {
  return STATUS_LABEL[status] ?? status;
}

export function StatusBadge({ status }: { status: AskStatus }) {
  const t = useT();
  const tone =
    status === 'finished'
      ? 'ok'
      : status === 'failed'
        ? 'bad'
        : status === 'stopped'
          ? 'muted'
          : 'busy';
  return <span className={`badge badge-${tone}`}>{t(statusLabel(status))}</span>;
}

/**
 * Who asked: the name people know them by, with the client's id beneath it (the id is what
 * per-user limits and Slack itself go by); the id alone for an ask recorded without a name.
 */
export function Asker({ ask }: { ask: Pick<AskRecord, 'asked_by' | 'asked_by_name'> }) {
  if (!ask.asked_by_name) return ask.asked_by ?? <span className="muted">—</span>;
  return (
    <span title={ask.asked_by ?? undefined}>
      {ask.asked_by_name}
      {ask.asked_by ? <span className="asker-id muted small">{ask.asked_by}</span> : null}
    </span>
  );
}

export function RatingMark({ rating }: { rating: FeedbackRating | null }) {
  const t = useT();
  if (!rating) return <span className="muted">—</span>;
  return (
    <span className={rating === 'up' ? 'rating rating-up' : 'rating rating-down'}>
      <ThumbIcon down={rating === 'down'} />
      <span className="visually-hidden">{rating === 'up' ? t('Helpful') : t('Not helpful')}</span>
    </span>
  );
}

/** Total of the per-stage timings, in seconds with one decimal. */
export function totalSeconds(timings: Record<string, number>): string {
  const total = Object.values(timings).reduce((sum, ms) => sum + ms, 0);
  return (total / 1000).toFixed(1);
}

/**
 * What a reviewer looks for first: an ask that needed corrections (its first SQL failed) and
 * the admin's verdict. Failed asks already show it in their status.
 */
export function ReviewMarks({
  ask,
}: {
  ask: Pick<AskRecord, 'correction_count' | 'review_status'>;
}) {
  const t = useT();
  return (
    <>
      {ask.correction_count > 0 ? (
        <span className="badge badge-busy" title={t('The first SQL failed and was rewritten.')}>
          {t(ask.correction_count === 1 ? 'Rewritten once' : 'Rewritten {n}×', {
            n: ask.correction_count,
          })}
        </span>
      ) : null}
      {ask.review_status === 'verified' ? (
        <span className="badge badge-ok">{t('Verified')}</span>
      ) : ask.review_status === 'rejected' ? (
        <span className="badge badge-bad">{t('Rejected')}</span>
      ) : null}
    </>
  );
}
