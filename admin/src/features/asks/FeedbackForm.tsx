import type { AskRecord, FeedbackRating } from '@quarry/shared';
import { type FormEvent, useState } from 'react';
import { ThumbIcon } from '../../components/ThumbIcon';
import { useT } from '../../lib/i18n';
import { useNotify } from '../../lib/notify';
import { useAskFeedback } from './api';

/** Lets an admin rate an answer too; the rating filters the history and guides promotion. */
export function FeedbackForm({ ask }: { ask: AskRecord }) {
  const t = useT();
  const notify = useNotify();
  const feedback = useAskFeedback(ask.id);
  const [rating, setRating] = useState<FeedbackRating | null>(ask.rating);
  const [comment, setComment] = useState(ask.feedback_comment ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!rating) return;
    feedback.mutate(
      { rating, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      { onSuccess: () => notify('success', t('Feedback saved.')) },
    );
  };

  return (
    <form className="form feedback-form" onSubmit={submit}>
      <fieldset className="field">
        <legend className="field-label">{t('Was the answer right?')}</legend>
        <div className="radio-row">
          {(['up', 'down'] as const).map((value) => (
            <label key={value} className="radio">
              <input
                type="radio"
                name="rating"
                value={value}
                checked={rating === value}
                onChange={() => setRating(value)}
              />
              <ThumbIcon down={value === 'down'} />
              {value === 'up' ? t('Helpful') : t('Not helpful')}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field">
        <span className="field-label">{t('Comment')}</span>
        <textarea
          className="input"
          rows={2}
          value={comment}
          maxLength={2000}
          onChange={(event) => setComment(event.target.value)}
        />
      </label>
      <div className="form-actions form-actions-start">
        <button type="submit" className="button" disabled={!rating || feedback.isPending}>
          {feedback.isPending ? t('Saving…') : t('Save feedback')}
        </button>
      </div>
    </form>
  );
}
