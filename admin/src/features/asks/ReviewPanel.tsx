import type { AskRecord, ReviewStatus } from '@quarry/shared';
import { useState } from 'react';
import { Link } from 'react-router';
import { RequestError } from '../../components/Field';
import { LazySqlEditor } from '../../components/LazySqlEditor';
import { ConfirmDialog } from '../../components/Modal';
import { useT } from '../../lib/i18n';
import { SqlPreview } from '../sql-pairs/SqlPreview';
import { usePromoteAsk, useReviewAsk } from './api';

const REVIEW_LABELS: Record<ReviewStatus | '', string> = {
  '': 'Unreviewed',
  verified: 'Verified',
  rejected: 'Rejected',
};

/**
 * The review workspace: edit the SQL, run it, and promote it under a question the admin may
 * reword; mark the ask verified or rejected. Promoting an answer its asker rated 👎 asks for
 * confirmation; un-verifying removes the promoted pair from historical matches.
 */
export function ReviewPanel({ ask }: { ask: AskRecord }) {
  const t = useT();
  const promote = usePromoteAsk(ask.id);
  const review = useReviewAsk(ask.id);
  const [question, setQuestion] = useState(ask.rephrased_question ?? ask.question);
  const [sql, setSql] = useState(ask.sql ?? '');
  const [confirming, setConfirming] = useState(false);
  const canPromote = sql.trim() !== '' && question.trim() !== '';

  const send = () =>
    promote.mutate(
      {
        question: question.trim(),
        sql: sql.trim(),
        ...(ask.rating === 'down' ? { confirm: true } : {}),
      },
      { onSettled: () => setConfirming(false) },
    );

  return (
    <section className="card" aria-labelledby="ask-review">
      <div className="card-head">
        <h2 id="ask-review">{t('Review')}</h2>
        <label className="inline-field">
          <span>{t('Review status')}</span>
          <select
            className="input"
            value={ask.review_status ?? ''}
            disabled={review.isPending}
            onChange={(event) => review.mutate((event.target.value || null) as ReviewStatus | null)}
          >
            {(['', 'verified', 'rejected'] as const).map((status) => (
              <option key={status} value={status}>
                {t(REVIEW_LABELS[status])}
              </option>
            ))}
          </select>
        </label>
      </div>
      <RequestError request={review} />
      {ask.promoted_pair_id !== null ? (
        <p className="form-notice" role="status">
          {t('Promoted to a SQL pair.')}{' '}
          <Link to={`/sql-pairs/${ask.promoted_pair_id}`}>{t('Open it')}</Link>
        </p>
      ) : null}
      <label className="field">
        <span className="field-label">{t('Question to save')}</span>
        <input
          className="input"
          value={question}
          onChange={(event) => setQuestion(event.target.value)}
        />
      </label>
      <p className="field-label" id="review-sql">
        {t('SQL to save')}
      </p>
      <LazySqlEditor value={sql} onChange={setSql} labelledBy="review-sql" />
      <SqlPreview sql={sql} datasource={ask.datasource} />
      <RequestError request={promote} />
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={!canPromote || promote.isPending}
          onClick={() => (ask.rating === 'down' ? setConfirming(true) : send())}
        >
          {promote.isPending ? t('Promoting…') : t('Promote to SQL pair')}
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title={t('Promote an answer rated 👎?')}
          message={
            <p>
              {t(
                'The asker said this answer was wrong. Promote it only if the SQL above is now right.',
              )}
              {ask.feedback_comment ? (
                <>
                  {' '}
                  <q>{ask.feedback_comment}</q>
                </>
              ) : null}
            </p>
          }
          confirmLabel={t('Promote anyway')}
          busy={promote.isPending}
          onConfirm={send}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}
