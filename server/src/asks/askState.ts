import type { AskEvent, AskStatus, CellValue, Intent, ResultRow } from '@quarry/shared';

/** What `GET /v1/asks/:id/result` answers: the ask as far as it has got. */
export interface AskView {
  query_id: string;
  status: AskStatus;
  question: string;
  rephrased_question?: string;
  intent?: Intent;
  retrieved_tables?: string[];
  reasoning?: string;
  sql?: string;
  columns?: string[];
  rows?: ResultRow[];
  row_count?: number;
  capped?: boolean;
  reply?: string;
  error?: { code: string; message: string };
}

export function initialView(queryId: string, question: string): AskView {
  return { query_id: queryId, status: 'understanding', question };
}

/**
 * Folds one event into the view. The same reducer runs wherever events arrive (in-process or
 * from a worker through Redis), so every process answers polls identically.
 */
export function applyEvent(view: AskView, event: AskEvent): AskView {
  switch (event.type) {
    case 'status':
      return { ...view, status: event.status };
    case 'understood':
      return { ...view, rephrased_question: event.rephrased_question, intent: event.intent };
    case 'retrieved':
      return { ...view, retrieved_tables: event.tables };
    case 'reasoning_chunk':
      return { ...view, reasoning: event.reasoning };
    case 'sql':
      return { ...view, sql: event.sql };
    case 'result':
      return {
        ...view,
        status: 'finished',
        sql: event.sql,
        columns: event.columns,
        rows: event.rows,
        row_count: event.row_count,
        capped: event.capped,
      };
    case 'reply':
      return { ...view, status: 'finished', intent: event.intent, reply: event.reply };
    case 'error':
      return {
        ...view,
        status: event.code === 'STOPPED' ? 'stopped' : 'failed',
        error: { code: event.code, message: event.message },
      };
    default:
      return view;
  }
}

export type { CellValue };
