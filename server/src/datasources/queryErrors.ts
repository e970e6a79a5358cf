import { QuarryError } from '../errors.js';

/** Internal queries (describe, samples) get this wall-clock limit; users' SQL brings its own. */
export const INTERNAL_TIMEOUT_MS = 30_000;
/** A dry run's time limit when the opener names none (QUERY_TIMEOUT_MS's default). */
export const DRY_RUN_TIMEOUT_MS = 30_000;
/** Internal queries read at most this many rows. */
export const INTERNAL_ROW_LIMIT = 100_000;

/** Which caller a failure is reported to: the dry-run stage or the execution stage. */
export type QueryPhase = 'execute' | 'dryRun';

function seconds(ms: number): string {
  const value = Math.round(ms / 100) / 10;
  return `${value} ${value === 1 ? 'second' : 'seconds'}`;
}

/** The query ran past its limit and was cancelled on the database side too. */
export function timeoutError(ms: number, phase: QueryPhase, context = {}): QuarryError {
  const subject = phase === 'dryRun' ? 'The dry run of the query' : 'The query';
  return new QuarryError(
    phase === 'dryRun' ? 'DRY_RUN_FAILED' : 'SQL_EXECUTION_FAILED',
    `${subject} exceeded the ${seconds(ms)} time limit and was cancelled.`,
    { context: { ...context, timeoutMs: ms, databaseReason: { code: 'ask_timed_out' } } },
  );
}

/** The caller aborted; the query was cancelled on the database side too. */
export function stoppedError(context = {}): QuarryError {
  return new QuarryError('STOPPED', 'The query was stopped before it finished.', { context });
}

/** A database error, reported with the database's own message so users and the model see it. */
export function databaseError(
  error: unknown,
  phase: QueryPhase,
  context: Record<string, unknown> = {},
): QuarryError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return new QuarryError(phase === 'dryRun' ? 'DRY_RUN_FAILED' : 'SQL_EXECUTION_FAILED', message, {
    cause: error,
    context: {
      ...context,
      ...(typeof code === 'string' ? { databaseCode: code } : {}),
      // For readers in another language: Quarry's sentence, the database's words apart.
      databaseReason: { code: 'ask_failed_in_database', params: { detail: message } },
    },
  });
}
