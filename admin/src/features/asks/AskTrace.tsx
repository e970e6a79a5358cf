import type { AskRecord } from '@quarry/shared';
import { AttemptList } from '../../components/AttemptList';
import { Rewrites } from '../../components/Rewrites';
import { useT } from '../../lib/i18n';

/**
 * What the ask was shown and tried, for reviewing it: the tables retrieved, the samples and
 * instructions the model saw, its reasoning, and every SQL it tried with how it failed.
 */
export function AskTrace({ ask }: { ask: AskRecord }) {
  const t = useT();
  const details = ask.details;
  if (!details) return null;
  return (
    <section className="card" aria-labelledby="ask-trace">
      <h2 id="ask-trace">{t('How it was answered')}</h2>
      {details.retrieved_tables && details.retrieved_tables.length > 0 ? (
        <>
          <h3>{t('Retrieved tables')}</h3>
          <ul className="chips">
            {details.retrieved_tables.map((table) => (
              <li key={table} className="chip mono">
                {table}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {details.samples && details.samples.length > 0 ? (
        <>
          <h3>{t('SQL pairs shown to the model')}</h3>
          <ul className="plain-list">
            {details.samples.map((sample) => (
              <li key={sample.question}>
                <q>{sample.question}</q> <code className="sql-snippet">{sample.sql}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {details.instructions && details.instructions.length > 0 ? (
        <>
          <h3>{t('Instructions shown to the model')}</h3>
          <ul className="plain-list">
            {details.instructions.map((instruction) => (
              <li key={instruction}>{instruction}</li>
            ))}
          </ul>
        </>
      ) : null}
      {details.reasoning ? (
        <>
          <h3>{t('Reasoning')}</h3>
          <p className="prewrap">{details.reasoning}</p>
        </>
      ) : null}
      {details.attempts.length > 0 ? (
        <>
          <h3>{t('Attempts')}</h3>
          <AttemptList
            attempts={details.attempts.map((attempt) => ({
              attempt: attempt.attempt,
              sql: attempt.sql,
              failure: attempt.error ? { phase: attempt.phase, message: attempt.error } : undefined,
            }))}
          />
        </>
      ) : null}
      {details.stopped_early ? (
        <p className="muted">
          {t('The correction stopped early: a rewrite repeated SQL that was already tried.')}
        </p>
      ) : null}
      <Rewrites rewrites={details.rewrites} />
    </section>
  );
}
