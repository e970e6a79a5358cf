import type { FeedbackRating } from '@quarry/shared';
import { useMutation } from '@tanstack/react-query';
import { ThumbIcon } from '../../components/ThumbIcon';
import { useT } from '../../lib/i18n';
import { useApi } from '../../lib/providers';
import { type AskRun, isOver } from './askRun';
import { QuestionChips } from './QuestionChips';

/**
 * What a person reads first: the answer sentence (streaming, then as checked against the
 * rows), the next questions as chips that ask them, and 👍/👎 for the ask history.
 */
export function AnswerPanel({ run, onAsk }: { run: AskRun; onAsk: (question: string) => void }) {
  const t = useT();
  const api = useApi();
  const over = isOver(run);
  const askId = run.askId;
  const rate = useMutation({
    mutationFn: (rating: FeedbackRating) =>
      api.post<unknown>(`/api/asks/${encodeURIComponent(askId ?? '')}/feedback`, { rating }),
  });
  const writing = run.pendingParts.includes('answer');
  if (!run.result && !run.reply) return null;
  const showAnswer = run.result !== undefined && (run.answer !== '' || writing);

  return (
    <section className="card answer-card" aria-labelledby="run-answer">
      {showAnswer ? (
        <>
          <h2 id="run-answer">{t('Answer')}</h2>
          <p className="answer-text prewrap" data-testid="answer" aria-busy={writing}>
            {run.answer || t('Writing the answer…')}
            {writing && run.answer ? <span className="cursor">▌</span> : null}
          </p>
          {run.unverifiedNumbers.length > 0 ? (
            <p className="muted small">
              {t('Left out a sentence citing numbers not in the rows: {numbers}', {
                numbers: run.unverifiedNumbers.join(', '),
              })}
            </p>
          ) : null}
        </>
      ) : (
        <h2 id="run-answer" className="visually-hidden">
          {t('Answer')}
        </h2>
      )}
      {run.followUps.length > 0 ? (
        <div className="follow-ups">
          <h3 className="follow-ups-title">{t('Ask next')}</h3>
          <QuestionChips questions={run.followUps} onAsk={onAsk} />
        </div>
      ) : null}
      {over && askId ? (
        <fieldset className="rating">
          <legend className="visually-hidden">{t('Was the answer right?')}</legend>
          {(['up', 'down'] as const).map((rating) => (
            <button
              key={rating}
              type="button"
              className="button button-small"
              aria-pressed={rate.variables === rating && rate.isSuccess}
              disabled={rate.isPending}
              onClick={() => rate.mutate(rating)}
            >
              <ThumbIcon down={rating === 'down'} />
              {rating === 'up' ? t('Helpful') : t('Not helpful')}
            </button>
          ))}
          {rate.isSuccess ? (
            <span className="muted small">{t('Thanks, feedback saved.')}</span>
          ) : null}
          {rate.isError ? (
            <span className="check-failed small">{t('The feedback was not saved.')}</span>
          ) : null}
        </fieldset>
      ) : null}
    </section>
  );
}
