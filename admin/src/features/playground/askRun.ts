import type {
  AnswerPart,
  AskFrame,
  AskStatus,
  AskStep,
  ErrorCode,
  Intent,
  Reason,
  RefusalFrame,
  ResultRow,
  SqlRewrite,
  VegaLiteSpec,
} from '@quarry/shared';
import { statusOfError } from '@quarry/shared';

/** One status line of the timeline. */
export interface StageLine {
  status: AskStatus;
  step: AskStep;
  message: string;
}

/** One SQL the ask tried: the first generated (attempt 0) or a rewrite, and how it went. */
export interface Attempt {
  attempt: number;
  sql: string;
  fromHistory: boolean;
  rewriteRaw?: string;
  failure?: { phase: 'dry_run' | 'execution'; code: ErrorCode; error: string; reason?: Reason };
  rowCount?: number;
  /** What the dictionaries rewrote in this SQL. */
  rewrites?: SqlRewrite[];
}

export type RunPhase = 'connecting' | 'running' | 'finished' | 'failed' | 'stopped';

/** Everything the playground shows about one ask, folded from its frames in arrival order. */
export interface AskRun {
  question: string;
  datasource: string;
  askId: string | null;
  phase: RunPhase;
  stages: StageLine[];
  understood?: { rephrased: string; intent: Intent };
  retrieved?: { tables: string[]; sqlPairs: number; instructions: number };
  reasoning: string;
  /** The SQL as the model streams it, before extraction and dictionary rewrite. */
  streamingSql: string;
  attempts: Attempt[];
  result?: { sql: string; columns: string[]; rows: ResultRow[]; rowCount: number; capped: boolean };
  reply: string;
  /** The answer sentence after the rows: as the model writes it, then as checked. */
  answer: string;
  /** Numbers the check found nowhere in the rows (their sentences were left out). */
  unverifiedNumbers: string[];
  chart?: { kind: string; spec: VegaLiteSpec };
  followUps: string[];
  /** Parts the result announced that have not arrived; the run is finished without any. */
  pendingParts: AnswerPart[];
  /** `reason`: the failure as a code, said in the admin's language (a database's words apart). */
  error?: { code: string; message: string; reason?: Reason };
}

export function startRun(question: string, datasource: string): AskRun {
  return {
    question,
    datasource,
    askId: null,
    phase: 'connecting',
    stages: [],
    reasoning: '',
    streamingSql: '',
    attempts: [],
    reply: '',
    answer: '',
    unverifiedNumbers: [],
    followUps: [],
    pendingParts: [],
  };
}

/** One announced part arrived: the last one finishes the run. */
function partArrived(run: AskRun, part: AnswerPart): Pick<AskRun, 'pendingParts' | 'phase'> {
  const pendingParts = run.pendingParts.filter((name) => name !== part);
  return {
    pendingParts,
    phase: pendingParts.length === 0 && run.phase === 'running' ? 'finished' : run.phase,
  };
}

function updateAttempt(
  run: AskRun,
  attempt: number,
  change: (current: Attempt) => Attempt,
): Attempt[] {
  return run.attempts.map((each) => (each.attempt === attempt ? change(each) : each));
}

/** The final SQL shown: the last attempt's. */
export function currentSql(run: AskRun): string | undefined {
  return run.result?.sql ?? run.attempts.at(-1)?.sql;
}

/** Folds one events-mode frame into the run. Unknown frame types are ignored (newer servers). */
export function applyFrame(run: AskRun, frame: AskFrame | RefusalFrame): AskRun {
  const next: AskRun = {
    ...run,
    askId: 'ask_id' in frame ? frame.ask_id : run.askId,
    phase: run.phase === 'connecting' ? 'running' : run.phase,
  };
  switch (frame.type) {
    case 'status':
      return {
        ...next,
        stages: [...run.stages, { status: frame.status, step: frame.step, message: frame.message }],
        phase: frame.status === 'stopped' ? 'stopped' : next.phase,
      };
    case 'understood':
      return { ...next, understood: { rephrased: frame.rephrased_question, intent: frame.intent } };
    case 'retrieved':
      return {
        ...next,
        retrieved: {
          tables: frame.tables,
          sqlPairs: frame.sql_pairs,
          instructions: frame.instructions,
        },
      };
    case 'reasoning_chunk':
      return { ...next, reasoning: frame.reasoning };
    case 'sql_chunk':
      return { ...next, streamingSql: frame.sql };
    case 'reply_chunk':
      return { ...next, reply: frame.reply };
    case 'generated':
      return next;
    case 'sql':
      return {
        ...next,
        attempts: [
          ...run.attempts.filter((each) => each.attempt !== frame.attempt),
          {
            attempt: frame.attempt,
            sql: frame.sql,
            fromHistory: frame.from_history === true,
            ...(frame.rewrites ? { rewrites: frame.rewrites } : {}),
          },
        ],
      };
    case 'rewrite': {
      const attempt: Attempt = {
        attempt: frame.attempt,
        sql: frame.sql ?? '',
        fromHistory: false,
        rewriteRaw: frame.raw,
      };
      return {
        ...next,
        attempts: [...run.attempts.filter((each) => each.attempt !== frame.attempt), attempt],
      };
    }
    case 'execution_failed': {
      const failure = {
        phase: frame.phase,
        code: frame.code,
        error: frame.error,
        ...(frame.reason ? { reason: frame.reason } : {}),
      };
      const known = run.attempts.some((each) => each.attempt === frame.attempt);
      return {
        ...next,
        attempts: known
          ? updateAttempt(run, frame.attempt, (each) => ({ ...each, failure }))
          : [
              ...run.attempts,
              { attempt: frame.attempt, sql: frame.sql, fromHistory: false, failure },
            ],
      };
    }
    case 'execution_succeeded':
      return {
        ...next,
        attempts: updateAttempt(run, frame.attempt, (each) => ({
          ...each,
          rowCount: frame.row_count,
        })),
      };
    case 'result':
      return {
        ...next,
        // The answer, chart and follow-ups it announces are still to come.
        phase: frame.parts?.length ? next.phase : 'finished',
        pendingParts: [...(frame.parts ?? [])],
        result: {
          sql: frame.sql,
          columns: frame.columns,
          rows: frame.rows,
          rowCount: frame.row_count,
          capped: frame.capped,
        },
      };
    case 'answer_chunk':
      return { ...next, answer: frame.answer };
    case 'answer':
      return {
        ...next,
        answer: frame.answer,
        unverifiedNumbers: frame.unverified_numbers ?? [],
        ...partArrived(next, 'answer'),
      };
    case 'chart':
      return {
        ...next,
        chart: { kind: frame.kind, spec: frame.spec },
        ...partArrived(next, 'chart'),
      };
    case 'follow_ups':
      return { ...next, followUps: frame.questions, ...partArrived(next, 'follow_ups') };
    case 'reply':
      return { ...next, phase: 'finished', reply: frame.reply };
    case 'error':
      return {
        ...next,
        pendingParts: [],
        phase: statusOfError(frame.code),
        error: {
          code: frame.code,
          message: frame.message,
          ...('reason' in frame && frame.reason ? { reason: frame.reason } : {}),
        },
      };
    default:
      return next;
  }
}

/** Whether no more frames will come for this run. */
export function isOver(run: AskRun): boolean {
  return run.phase === 'finished' || run.phase === 'failed' || run.phase === 'stopped';
}
