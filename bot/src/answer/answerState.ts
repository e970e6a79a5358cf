import type {
  AnswerPart,
  AskFrame,
  AskStatus,
  AskStep,
  CellValue,
  ChartKind,
  ErrorCode,
  Intent,
  RefusalFrame,
  ResultRow,
  SqlRewrite,
  VegaLiteSpec,
} from '@quarry/shared';
import { statusOfError } from '@quarry/shared';
import type { BotError, BotErrorCode } from '../errors.js';
import { detectLanguage, type Language } from './language.js';

/** One thing that happened to the SQL after it was written, shown as it happens. */
export type AttemptNote =
  | { kind: 'failed'; attempt: number; phase: 'dry_run' | 'execution'; error: string }
  | { kind: 'rewritten'; attempt: number; produced: boolean }
  | { kind: 'succeeded'; attempt: number; rowCount: number };

export interface AnswerResult {
  sql: string;
  columns: string[];
  rows: ResultRow[];
  rowCount: number;
  /** The server stopped reading rows at its row cap. */
  capped: boolean;
}

export type AnswerOutcome =
  | { kind: 'result'; result: AnswerResult }
  | { kind: 'reply'; intent: Intent; text: string }
  | { kind: 'error'; code: ErrorCode | BotErrorCode; message: string };

/**
 * Everything the thread message shows about one question. Built only by the reducers below, so
 * the message is a pure function of the frames received.
 */
export interface AnswerState {
  question: string;
  language: Language;
  askId: string | null;
  status: AskStatus | null;
  step: AskStep | null;
  /** The latest SQL: streaming while `sqlFinal` is false. */
  sql: string;
  sqlFinal: boolean;
  /** What the dictionaries rewrote in the latest SQL. */
  rewrites: SqlRewrite[];
  attempts: AttemptNote[];
  /** Connection attempts that failed so far (shown while the bot retries). */
  connectFailures: number;
  outcome: AnswerOutcome | null;
  /** The answer sentence after the rows: streaming until `answerFinal`; empty when none. */
  answer: string;
  answerFinal: boolean;
  chart: { kind: ChartKind; spec: VegaLiteSpec } | null;
  /** The chart as a PNG the bot uploaded, once it is there: the message shows it. */
  chartImage: { fileId: string; altText: string } | null;
  followUps: string[];
  /** Parts the result announced (answer, chart, follow-ups), and those not arrived yet. */
  announcedParts: AnswerPart[];
  pendingParts: AnswerPart[];
  /** Who asked, shown atop the message when the question has no message of its own (a button). */
  askedBy: string | null;
}

export function initialAnswerState(question: string, askedBy: string | null = null): AnswerState {
  return {
    question,
    language: detectLanguage(question),
    askId: null,
    status: null,
    step: null,
    sql: '',
    sqlFinal: false,
    rewrites: [],
    attempts: [],
    connectFailures: 0,
    outcome: null,
    answer: '',
    answerFinal: false,
    chart: null,
    chartImage: null,
    followUps: [],
    announcedParts: [],
    pendingParts: [],
    askedBy,
  };
}

export function isFinished(state: AnswerState): boolean {
  return state.outcome !== null;
}

/** The chart's PNG is uploaded: the message shows it below the answer. */
export function applyChartImage(
  state: AnswerState,
  image: { fileId: string; altText: string },
): AnswerState {
  return state.chart === null ? state : { ...state, chartImage: image };
}

/** Folds one events-mode frame (or a refusal) into the state. Unknown frame types change nothing. */
export function applyFrame(state: AnswerState, frame: AskFrame | RefusalFrame): AnswerState {
  // The parts after the rows arrive once the result is in.
  if (state.outcome?.kind === 'result') return applyPart(state, frame);
  if (state.outcome !== null) return state;
  const askId = 'ask_id' in frame && typeof frame.ask_id === 'string' ? frame.ask_id : state.askId;
  const next: AnswerState = { ...state, askId, connectFailures: 0 };
  switch (frame.type) {
    case 'status':
      return { ...next, status: frame.status, step: frame.step };
    case 'sql_chunk':
      return { ...next, sql: sqlInStream(frame.sql), sqlFinal: false };
    case 'sql':
      return { ...next, sql: frame.sql, sqlFinal: true, rewrites: frame.rewrites ?? [] };
    case 'rewrite':
      return {
        ...next,
        ...(frame.sql !== null ? { sql: frame.sql, sqlFinal: true } : {}),
        attempts: [
          ...state.attempts,
          { kind: 'rewritten', attempt: frame.attempt, produced: frame.sql !== null },
        ],
      };
    case 'execution_failed':
      return {
        ...next,
        attempts: [
          ...state.attempts,
          { kind: 'failed', attempt: frame.attempt, phase: frame.phase, error: frame.error },
        ],
      };
    case 'execution_succeeded':
      // The first run's success is the result itself; only a rewrite's success is news.
      return frame.attempt === 0
        ? next
        : {
            ...next,
            attempts: [
              ...state.attempts,
              { kind: 'succeeded', attempt: frame.attempt, rowCount: frame.row_count },
            ],
          };
    case 'result':
      return {
        ...next,
        status: 'finished',
        sql: frame.sql,
        sqlFinal: true,
        announcedParts: [...(frame.parts ?? [])],
        pendingParts: [...(frame.parts ?? [])],
        outcome: {
          kind: 'result',
          result: {
            sql: frame.sql,
            columns: frame.columns,
            rows: frame.rows,
            rowCount: frame.row_count,
            capped: frame.capped,
          },
        },
      };
    case 'reply':
      return {
        ...next,
        status: 'finished',
        outcome: { kind: 'reply', intent: frame.intent, text: frame.reply },
      };
    case 'error':
      return {
        ...next,
        status: statusOfError(frame.code),
        outcome: { kind: 'error', code: frame.code, message: frame.message },
      };
    default:
      return next;
  }
}

function applyPart(state: AnswerState, frame: AskFrame | RefusalFrame): AnswerState {
  const arrived = (part: AnswerPart) => state.pendingParts.filter((name) => name !== part);
  switch (frame.type) {
    case 'answer_chunk':
      return state.answerFinal ? state : { ...state, answer: frame.answer };
    case 'answer':
      // The checked answer replaces what streamed: sentences with invented numbers are gone.
      return {
        ...state,
        answer: frame.answer,
        answerFinal: true,
        pendingParts: arrived('answer'),
      };
    case 'chart':
      return {
        ...state,
        chart: { kind: frame.kind, spec: frame.spec },
        pendingParts: arrived('chart'),
      };
    case 'follow_ups':
      return { ...state, followUps: frame.questions, pendingParts: arrived('follow_ups') };
    case 'error':
      // Stopped while the answer was written: the rows stand, nothing more comes.
      return { ...state, pendingParts: [] };
    default:
      return state;
  }
}

/** Where unfenced SQL starts: a line opening with a query keyword. */
const UNFENCED_SQL = /(?:^|\n)[ \t(]*((?:SELECT|WITH)\b[\s\S]*)$/i;

/**
 * The SQL inside a model's streaming reply, for display while it is written: the text of its
 * first code fence (language tag and a half-arrived closing fence removed), else the text from
 * the first line that opens a query. Nothing until then: the model's preamble ("Here is") is
 * not SQL, and neither is a keyword still arriving ("SEL").
 */
export function sqlInStream(raw: string): string {
  const fence = raw.indexOf('```');
  if (fence === -1) return UNFENCED_SQL.exec(raw)?.[1]?.trim() ?? '';
  let body = raw.slice(fence + 3).replace(/^[A-Za-z]*(\n|$)/, '');
  const end = body.indexOf('```');
  if (end !== -1) body = body.slice(0, end);
  return body.replace(/`+$/, '').trim();
}

/** The bot could not reach the server yet and is about to try again. */
export function applyConnectRetry(state: AnswerState, failures: number): AnswerState {
  return state.outcome !== null ? state : { ...state, connectFailures: failures };
}

/** A failure on the bot's side (server unreachable, socket dropped) ends the answer. */
export function applyBotError(state: AnswerState, error: BotError): AnswerState {
  // The rows arrived: they stand, whatever was still to come after them.
  if (state.outcome?.kind === 'result') return { ...state, pendingParts: [] };
  if (state.outcome !== null) return state;
  return {
    ...state,
    status: 'failed',
    outcome: { kind: 'error', code: error.code, message: error.message },
  };
}

export type { CellValue };
