import type { SemanticsUsed } from './api.js';
import type { ErrorCode } from './errorCodes.js';
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
  | 'dry_run'
  | 'executing'
  | 'diagnosing'
  | 'rewriting'
  | 'executing_rewrite';

export type Intent = 'TEXT_TO_SQL' | 'GENERAL' | 'USER_GUIDE' | 'MISLEADING_QUERY';

export type CellValue = string | number | boolean | null;
export type ResultRow = Record<string, CellValue>;

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
    }
  | { type: 'rewrite'; raw: string; sql: string | null; attempt: number }
  | {
      type: 'execution_failed';
      phase: 'dry_run' | 'execution';
      sql: string;
      code: ErrorCode;
      error: string;
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
    }
  | { type: 'reply'; intent: Intent; reply: string }
  | { type: 'error'; code: ErrorCode; message: string };

export type AskEventType = AskEvent['type'];

/** One events-mode frame: the event plus the ask it belongs to. */
export type AskFrame = AskEvent & { ask_id: string };

/** A frame the server sends in events mode when a client frame is refused (no ask exists). */
export interface RefusalFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
}
