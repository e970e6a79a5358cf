import type { ErrorCode, Reason, SemanticsUsed } from '@quarry/shared';
import { describeReason, questionLanguage, stepEvent } from '@quarry/shared';
import { isQuarryError, QuarryError } from '../errors.js';
import type { DataSource, QueryResult } from '../ports.js';
import type { PreparedSql } from '../sql/prepare.js';
import type { FailedSql } from './modelText.js';
import { forPeople, reasonOfFailure } from './peopleMessages.js';
import { correctSql } from './stages/correction.js';
import { diagnoseSql } from './stages/diagnosis.js';
import { dryRunPrepared } from './stages/dryRun.js';
import { executeSql } from './stages/execution.js';
import { postProcessSql } from './stages/postProcessing.js';
import type { Emit, PipelineDeps } from './types.js';

/** Failures a rewrite can fix; anything else (database down, model down, stop) ends the ask. */
const CORRECTABLE: ReadonlySet<ErrorCode> = new Set([
  'UNSAFE_SQL',
  'DRY_RUN_FAILED',
  'SQL_EXECUTION_FAILED',
]);

export interface CorrectionLoopInput {
  question: string;
  /** The data source's name, for its semantic layer. */
  datasource: string;
  /** The first SQL to try, as `sql/` finished it. */
  prepared: PreparedSql;
  /** The schema shown to diagnosis and correction; asked for only when a round runs. */
  ddl: () => Promise<string>;
  dataSource: DataSource;
  emit: Emit;
  signal: AbortSignal;
}

/**
 * Dry-runs and runs the SQL; on a correctable failure has the model diagnose it, then rewrite
 * it, and runs the rewrite, until it
 * succeeds or `rewriteMaxAttempts` rewrites have failed. Every round is announced through
 * events, which text mode renders as the seed's rewrite blocks. Throws the last database-side
 * failure when no round succeeds.
 */
export async function executeWithCorrections(
  deps: PipelineDeps,
  input: CorrectionLoopInput,
): Promise<{ result: QueryResult; sql: string; attempts: number }> {
  const { emit, signal, dataSource } = input;
  const language = questionLanguage(input.question);
  emit(stepEvent('executing', language));

  let sql = input.prepared.sql;
  // Whitespace and case aside, SQL already tried fails the same way again.
  const tried = new Set([sameSql(sql)]);
  let ddl: Promise<string> | undefined;
  const schemaDdl = () => {
    ddl ??= input.ddl();
    return ddl;
  };
  let outcome = await attemptRun(deps, input, input.prepared, 0);
  let lastFailure = outcome.ok ? undefined : outcome.error;
  for (let attempt = 1; !outcome.ok && attempt <= deps.settings.rewriteMaxAttempts; attempt += 1) {
    const failure = outcome.error;
    emit(stepEvent('rewriting', language));
    emit(stepEvent('diagnosing', language));
    const failed: FailedSql = {
      question: input.question,
      dialect: dataSource.dialect,
      ddl: await schemaDdl(),
      sql,
      error: failure.message,
    };
    const diagnosis = await diagnoseSql(deps, { ...failed, signal });
    const raw = await correctSql(deps, { ...failed, diagnosis, signal });
    const processed = await postProcessSql(deps, {
      raw,
      datasource: input.datasource,
      dataSource,
      signal,
    });
    emit({ type: 'rewrite', raw, sql: processed?.sql ?? null, attempt });
    if (processed === null) {
      // A round that produced no SQL is a failed round; the next one retries from the same
      // error, and if it was the last, the ask ends with what the client saw last.
      const error = 'The rewrite contained no SQL statement.';
      emit({
        type: 'execution_failed',
        phase: 'dry_run',
        sql,
        code: 'SQL_GENERATION_FAILED',
        error,
        attempt,
      });
      lastFailure = new QuarryError(failure.code, error, { context: { raw } });
      continue;
    }
    const rewritten = processed.sql;
    if (tried.has(sameSql(rewritten))) {
      // The model is going round in circles: another round would fail the same way again.
      const stopped = { code: 'correction_stopped_early', params: { n: attempt } } as const;
      const error = describeReason(stopped, language);
      emit({
        type: 'execution_failed',
        phase: 'dry_run',
        sql: rewritten,
        code: failure.code,
        error,
        reason: stopped,
        attempt,
      });
      const shown = forPeople(
        failure.code,
        failure.message,
        language,
        failure.context.reason as Reason | undefined,
      );
      throw new QuarryError(failure.code, `${shown} (${error})`, {
        context: { stoppedEarly: describeReason(stopped, 'en'), stoppedEarlyReason: stopped },
      });
    }
    tried.add(sameSql(rewritten));
    sql = rewritten;
    emit({
      type: 'sql',
      sql,
      attempt,
      ...semanticsField(processed.semanticsUsed),
      ...(processed.rewrites.length > 0 ? { rewrites: processed.rewrites } : {}),
    });
    emit(stepEvent('executing_rewrite', language));
    outcome = await attemptRun(deps, input, processed, attempt);
    if (!outcome.ok) lastFailure = outcome.error;
  }
  if (!outcome.ok) throw lastFailure ?? outcome.error;
  return { result: outcome.result, sql: outcome.sql, attempts: outcome.attempt };
}

function sameSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();
}

type RunOutcome =
  | { ok: true; result: QueryResult; attempt: number; sql: string }
  | { ok: false; error: QuarryError };

/** One guarded run; a correctable failure is emitted and returned, anything else is thrown. */
async function attemptRun(
  deps: PipelineDeps,
  input: CorrectionLoopInput,
  prepared: PreparedSql,
  attempt: number,
): Promise<RunOutcome> {
  const { sql } = prepared;
  let phase: 'dry_run' | 'execution' = 'dry_run';
  try {
    // What runs is what the engine compiled (SQLite may spell legacy strings out).
    const runnable = await dryRunPrepared({
      prepared,
      dataSource: input.dataSource,
      signal: input.signal,
    });
    phase = 'execution';
    const result = await executeSql(deps, {
      sql: runnable,
      dataSource: input.dataSource,
      signal: input.signal,
    });
    input.emit({ type: 'execution_succeeded', row_count: result.rows.length, attempt });
    return { ok: true, result, attempt, sql: runnable };
  } catch (error) {
    if (!isQuarryError(error) || !CORRECTABLE.has(error.code)) throw error;
    input.emit({
      type: 'execution_failed',
      phase,
      sql,
      code: error.code,
      // People read this; the model is shown the guard's own words in the correction prompt.
      error: forPeople(
        error.code,
        error.message,
        questionLanguage(input.question),
        error.context.reason as Reason | undefined,
      ),
      ...reasonOfFailure(error),
      attempt,
    });
    return { ok: false, error };
  }
}

/** The `semantics_used` of a `sql` event: present only when the SQL used the semantic layer. */
export function semanticsField(used: SemanticsUsed | undefined): {
  semantics_used?: SemanticsUsed;
} {
  return used && (used.calculated_fields.length > 0 || used.metrics.length > 0)
    ? { semantics_used: used }
    : {};
}
