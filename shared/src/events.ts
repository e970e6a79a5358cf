import type { SemanticsUsed } from './api.js';
import type { ErrorCode } from './errorCodes.js';
import type { Reason } from './reasons.js';
import type { AskStatus } from './status.js';

/**
 * What a stage is doing when it reports a status. Text mode turns the seed's steps into the
 * seed's frames and sends nothing for the others; events mode sends them all.
 */
export type AskStep =
  | 'received'
  | 'historical_match'
  | 'retrieving_knowledge'
  | 'classifying_intent'
  | 'retrieving_schema'
  | 'pruning_columns'
  | 'reasoning'
  | 'generating'
  | 'executing'
  | 'diagnosing'
  | 'rewriting'
  | 'executing_rewrite'
  /** The worker running the ask died; another worker runs it again from the start. */
  | 'restarted'
  /** The ask is over: the terminal `status` frame (`finished`, `failed` or `stopped`), sent last. */
  | 'done';

export type Intent = 'TEXT_TO_SQL' | 'GENERAL' | 'USER_GUIDE' | 'MISLEADING_QUERY';

/** A literal the dictionaries rewrote in generated SQL: `before → after`. */
export interface SqlRewrite {
  before: string;
  after: string;
  dictionary?: 'department' | 'project';
  /** The column the literal is compared with, when the entry is scoped to columns. */
  column?: string;
}

export type CellValue = string | number | boolean | null;
export type ResultRow = Record<string, CellValue>;

/**
 * What may follow an ask's rows, each switched by `ASK_ANSWER`, `ASK_CHART`, `ASK_FOLLOW_UPS`:
 * a sentence answering the question, a chart, and three next questions.
 */
export const ANSWER_PARTS = ['answer', 'chart', 'follow_ups'] as const;
export type AnswerPart = (typeof ANSWER_PARTS)[number];

/** The charts Quarry draws; `grouped_bar` and `stacked_bar` split a measure by a second category. */
export type ChartKind = 'line' | 'bar' | 'grouped_bar' | 'stacked_bar' | 'pie' | 'scatter';

/** A Vega-Lite specification with its data inline, ready for vega-embed or a server renderer. */
export type VegaLiteSpec = { $schema: string } & Record<string, unknown>;

/** The chart an ask drew. `chosen_by`: the result's shape decided (`rules`), or the model chose. */
export interface AskChart {
  kind: ChartKind;
  spec: VegaLiteSpec;
  chosen_by: 'rules' | 'model';
}

/**
 * Every event an ask emits, in order. Events mode sends each as one JSON text frame with the
 * ask's id added (`AskFrame`); text mode renders the seed's frames from the same events.
 * `attempt` is 0 for the first generated SQL and n for the n-th rewrite.
 */
export type AskEvent =
  | { type: 'status'; status: AskStatus; step: AskStep; message: string }
  | { type: 'understood'; rephrased_question: string; intent: Intent }
  | { type: 'retrieved'; tables: string[]; sql_pairs: number; instructions: number }
  | { type: 'reasoning_chunk'; delta: string; reasoning: string }
  | { type: 'reply_chunk'; delta: string; reply: string }
  | { type: 'sql_chunk'; delta: string; sql: string }
  | { type: 'generated'; raw: string }
  | {
      type: 'sql';
      sql: string;
      attempt: number;
      from_history?: boolean;
      /** The calculated fields and metrics expanded into `sql`; absent when none were. */
      semantics_used?: SemanticsUsed;
      /** What the dictionary rewrite changed in this SQL (absent when nothing). */
      rewrites?: SqlRewrite[];
    }
  | { type: 'rewrite'; raw: string; sql: string | null; attempt: number }
  | {
      type: 'execution_failed';
      phase: 'dry_run' | 'execution';
      sql: string;
      code: ErrorCode;
      error: string;
      /** The failure as a code, for clients in another language; a database's words as `detail`. */
      reason?: Reason;
      attempt: number;
    }
  | { type: 'execution_succeeded'; row_count: number; attempt: number }
  | {
      type: 'result';
      sql: string;
      columns: string[];
      rows: ResultRow[];
      row_count: number;
      capped: boolean;
      /**
       * The part events that follow this result, each exactly once, in the order `answer`,
       * `chart`, `follow_ups`; absent when none follows (text mode, parts switched off).
       */
      parts?: AnswerPart[];
    }
  /** The answer as the model writes it, before its numbers are checked; `answer` replaces it. */
  | { type: 'answer_chunk'; delta: string; answer: string }
  /**
   * The answer people read: the direct answer first, at most two notable facts, and a note when
   * the rows were capped. A sentence citing a number the rows do not hold is dropped, and the
   * number listed in `unverified_numbers`. Empty, with `error`, when the model could not answer.
   */
  | { type: 'answer'; answer: string; unverified_numbers?: string[]; error?: string }
  /** `chosen_by`: the result's shape decided (`rules`), or the model chose among fitting kinds. */
  | { type: 'chart'; kind: ChartKind; spec: VegaLiteSpec; chosen_by: 'rules' | 'model' }
  /** Three short next questions in the question's language; empty when the model gave none. */
  | { type: 'follow_ups'; questions: string[] }
  | { type: 'reply'; intent: Intent; reply: string }
  /** `reason`: the failure as a code (a database's own words as its `detail`), for clients in another language. */
  | { type: 'error'; code: ErrorCode; message: string; reason?: Reason };

export type AskEventType = AskEvent['type'];

/** One events-mode frame: the event plus the ask it belongs to. */
export type AskFrame = AskEvent & { ask_id: string };

/** A frame the server sends in events mode when a client frame is refused (no ask exists). */
export interface RefusalFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
}
