import { useT } from '../lib/i18n';
import { ErrorDetail } from './Field';

/** One SQL an ask tried, as the attempt list shows it. */
export interface ShownAttempt {
  /** 0 for the model's first SQL, then one per rewrite. */
  attempt: number;
  sql: string;
  /** Which check it failed, Quarry's message, and what the database said in its own words. */
  failure?: { phase: 'dry_run' | 'execution' | undefined; message: string; detail?: string };
  /** The rows it returned, once it ran. */
  rowCount?: number;
}

/**
 * Every SQL an ask tried, in order, each with how it failed or how many rows it returned: the
 * history's trace and the live playground read the same.
 */
export function AttemptList({ attempts }: { attempts: readonly ShownAttempt[] }) {
  const t = useT();
  return (
    <ol className="attempts" aria-label={t('Attempts')}>
      {attempts.map((attempt) => (
        <li key={attempt.attempt}>
          <strong>
            {attempt.attempt === 0 ? t('First SQL') : t('Rewrite {n}', { n: attempt.attempt })}
          </strong>
          {attempt.failure ? (
            <span className="check-failed">
              {' '}
              {attempt.failure.phase === 'dry_run' ? t('dry run failed') : t('failed')}:{' '}
              {attempt.failure.message}
            </span>
          ) : attempt.rowCount !== undefined ? (
            <span className="check-ok">
              {' '}
              {t(attempt.rowCount === 1 ? '1 row' : '{total} rows', { total: attempt.rowCount })}
            </span>
          ) : null}
          <code className="sql-snippet">{attempt.sql}</code>
          <ErrorDetail detail={attempt.failure?.detail} />
        </li>
      ))}
    </ol>
  );
}
