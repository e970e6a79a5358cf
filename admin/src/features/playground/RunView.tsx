import { describeReasonApart, type Reason } from '@quarry/shared';
import { Link } from 'react-router';
import { AttemptList } from '../../components/AttemptList';
import { ErrorDetail } from '../../components/Field';
import { LazySqlEditor } from '../../components/LazySqlEditor';
import { Rewrites } from '../../components/Rewrites';
import { useLocale, useT } from '../../lib/i18n';
import { statusLabel } from '../asks/labels';
import { AnswerPanel } from './AnswerPanel';
import { type AskRun, currentSql, isOver } from './askRun';
import { ResultView } from './ResultView';

/**
 * The live view of one ask: the answer people read first (with next questions and 👍/👎),
 * then stages as they happen, reasoning, SQL, and the rows as a chart or a table, or the error.
 */
export function RunView({ run, onAsk }: { run: AskRun; onAsk: (question: string) => void }) {
  const t = useT();
  const { locale } = useLocale();
  /** A failure in the admin's language when it came with a reason, the database's words apart. */
  const said = (
    message: string,
    reason: Reason | undefined,
  ): { message: string; detail?: string } =>
    reason ? describeReasonApart(reason, locale) : { message: t(message) };
  const error = run.error ? said(run.error.message, run.error.reason) : undefined;
  const over = isOver(run);
  const sql = currentSql(run);
  return (
    <div className="run" aria-busy={!over}>
      {/* Keyed by the ask: a new ask starts unrated. */}
      <AnswerPanel key={run.askId ?? ''} run={run} onAsk={onAsk} />
      <section className="card" aria-labelledby="run-stages">
        <div className="card-head">
          <h2 id="run-stages">{t('Stages')}</h2>
          {run.askId && over ? (
            <Link to={`/asks/${encodeURIComponent(run.askId)}`}>{t('Open in history')}</Link>
          ) : null}
        </div>
        <ol className="stages" data-testid="stages">
          {run.phase === 'connecting' ? (
            <li className="stage stage-active">{t('Connecting…')}</li>
          ) : null}
          {run.stages.map((stage, index) => {
            const active = !over && index === run.stages.length - 1;
            return (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: stages only ever append
                key={index}
                className={active ? 'stage stage-active' : 'stage stage-done'}
                aria-current={active ? 'step' : undefined}
              >
                <span className="stage-status">{t(statusLabel(stage.status))}</span>
                <span className="stage-message">{stage.message}</span>
              </li>
            );
          })}
        </ol>
        {run.understood ? (
          <p className="muted">
            {t('Understood as')}: <q>{run.understood.rephrased}</q> ({run.understood.intent})
          </p>
        ) : null}
        {run.retrieved ? (
          <p className="muted">
            {t('Tables found: {tables}. SQL pairs: {pairs}. Instructions: {instructions}.', {
              tables: run.retrieved.tables.join(', ') || '—',
              pairs: run.retrieved.sqlPairs,
              instructions: run.retrieved.instructions,
            })}
          </p>
        ) : null}
      </section>

      {run.reasoning ? (
        <details className="card" open={!sql || undefined}>
          <summary>
            <h2 className="inline-heading">{t('Reasoning')}</h2>
          </summary>
          <p className="prewrap reasoning" aria-live="off">
            {run.reasoning}
          </p>
        </details>
      ) : null}

      {sql || run.streamingSql ? (
        <section className="card" aria-labelledby="run-sql">
          <div className="card-head">
            <h2 id="run-sql">{t('SQL')}</h2>
            {run.attempts.at(-1)?.fromHistory ? (
              <span className="badge badge-muted">{t('Reused from a SQL pair')}</span>
            ) : null}
          </div>
          {sql ? (
            <div data-testid="final-sql" data-sql={sql}>
              <LazySqlEditor value={sql} readOnly labelledBy="run-sql" />
            </div>
          ) : (
            <pre className="code-block streaming" data-testid="streaming-sql">
              {run.streamingSql}
            </pre>
          )}
          <Rewrites rewrites={run.attempts.at(-1)?.rewrites} />
          {run.attempts.some((attempt) => attempt.failure) ? (
            <AttemptList
              attempts={run.attempts.map((attempt) => ({
                attempt: attempt.attempt,
                sql: attempt.sql,
                failure: attempt.failure
                  ? {
                      phase: attempt.failure.phase,
                      ...said(attempt.failure.error, attempt.failure.reason),
                    }
                  : undefined,
                rowCount: attempt.rowCount,
              }))}
            />
          ) : null}
        </section>
      ) : null}

      {run.reply ? (
        <section className="card" aria-labelledby="run-reply">
          <h2 id="run-reply">{t('Answer')}</h2>
          <p className="prewrap">{run.reply}</p>
        </section>
      ) : null}

      {run.error && error ? (
        <section className="card card-error">
          <div role="alert">
            <h2>{run.phase === 'stopped' ? t('Stopped') : t('The ask failed')}</h2>
            <p>
              <code>{run.error.code}</code> {error.message}
            </p>
          </div>
          <ErrorDetail detail={error.detail} />
        </section>
      ) : null}

      <ResultView run={run} />
    </div>
  );
}
