import type { SemanticsUsed } from './api.js';
import type { ErrorCode } from './errorCodes.js';
import type { AnswerPart, AskChart, AskEvent, Intent, ResultRow, SqlRewrite } from './events.js';
import type { AskStatus } from './status.js';
import type { AskSource } from './wire.js';

/** One question to answer: what a server hands to whichever process runs the ask. */
export interface AskInput {
  askId: string;
  question: string;
  /** Data source name; `default` unless the client chose one. */
  datasource: string;
  threadId?: string;
  source: AskSource;
  askedBy?: string;
  /** The asker's name as people read it, for the history; `askedBy` stays the key. */
  askedByName?: string;
  /**
   * The parts after the rows this client can show (default: every part switched on). Text mode
   * asks for none: its frames are the seed's, so a model call for them would be paid for nothing.
   */
  parts?: AnswerPart[];
}

/** One SQL an ask tried: the generated SQL (attempt 0) or a correction, and how it failed. */
export interface AskAttempt {
  attempt: number;
  sql: string;
  phase?: 'dry_run' | 'execution';
  code?: ErrorCode;
  error?: string;
}

/** What an ask was shown and tried, for reviewing it afterwards. */
export interface AskDetails {
  retrieved_tables?: string[];
  samples?: { question: string; sql: string }[];
  instructions?: string[];
  reasoning?: string;
  attempts: AskAttempt[];
  /** What the dictionaries rewrote in the SQL that ran last. */
  rewrites: SqlRewrite[];
  /** Why the correction loop stopped before its last attempt, when it did. */
  stopped_early?: string;
}

/** Rows kept with an ask for reviewing it: at most this many... */
export const RESULT_SAMPLE_MAX_ROWS = 20;
/** ...and at most this many bytes of JSON, so a wide result of long texts stays small. */
export const RESULT_SAMPLE_MAX_BYTES = 16_000;
/** A text cell longer than this is cut (ending with `…`) in the sample. */
export const RESULT_SAMPLE_MAX_CELL_CHARS = 500;

/**
 * The first rows of an ask's result, bounded by `RESULT_SAMPLE_MAX_ROWS` and
 * `RESULT_SAMPLE_MAX_BYTES`: what the reviewer sees of the result, not the result.
 */
export interface ResultSample {
  columns: string[];
  rows: ResultRow[];
  /** Rows the ask returned (after the row cap). */
  row_count: number;
  /** True when `rows` holds fewer rows than the ask returned, or some cell was cut. */
  truncated: boolean;
}

/** What an ask ended with, for history and `/v1/asks/:id/result`. */
export interface AskOutcome {
  status: Extract<AskStatus, 'finished' | 'failed' | 'stopped'>;
  sql?: string;
  columns?: string[];
  rowCount?: number;
  capped?: boolean;
  intent?: Intent;
  rephrasedQuestion?: string;
  retrievedTables?: string[];
  reply?: string;
  /** The answer sentence, the chart drawn and the follow-up questions, when made. */
  answer?: string;
  chart?: AskChart;
  followUps?: string[];
  errorCode?: ErrorCode;
  error?: string;
  /** The calculated fields and metrics the executed SQL used, when it used any. */
  semanticsUsed?: SemanticsUsed;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  details?: AskDetails;
  /** The first rows of the result, for the history; absent when the ask ran no SQL to the end. */
  resultSample?: ResultSample;
}

/** The data of an ask's bull job: the question, and the channel its progress goes back on. */
export interface AskJobData {
  input: AskInput;
  /** Redis channel of the server waiting for this ask (`AskJobMessage`s are published there). */
  reply_to: string;
}

/**
 * What a worker publishes about an ask it runs, in order, on the job's `reply_to` channel:
 * `started` once, then `event`s and `heartbeat`s, and `outcome` last.
 */
export type AskJobMessage =
  | { type: 'started'; ask_id: string; worker: string }
  | { type: 'event'; ask_id: string; event: AskEvent }
  /** Sent while an ask runs without events (a long model call), so the server knows the worker lives. */
  | { type: 'heartbeat'; ask_id: string }
  | { type: 'outcome'; ask_id: string; outcome: AskOutcome };

/** What any server broadcasts to every worker of a queue. */
export type AskControlMessage = { type: 'stop'; ask_id: string };

/**
 * What a process (server or worker) broadcasts to every other process of a queue after it
 * moved the knowledge revision: they read their knowledge snapshot again before their next
 * ask. `origin` names the sending process, which ignores its own message.
 */
export type KnowledgeChangeMessage = { type: 'knowledge_changed'; origin: string };
