import type {
  AnswerPart,
  AskEvent,
  AskStatus,
  CellValue,
  ChartKind,
  Intent,
  ResultRow,
  VegaLiteSpec,
} from '@quarry/shared';
import { statusOfError } from '@quarry/shared';

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
  /** The answer sentence: as the model writes it, then as checked against the rows. */
  answer?: string;
  chart?: { kind: ChartKind; spec: VegaLiteSpec; chosen_by: 'rules' | 'model' };
  follow_ups?: string[];
  /** Parts announced with the rows and not made yet; the ask is `finished` once none is left. */
  parts_pending?: AnswerPart[];
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
    case 'result': {
      const pending = event.parts ?? [];
      return {
        ...view,
        status: pending.length > 0 ? view.status : 'finished',
        sql: event.sql,
        columns: event.columns,
        rows: event.rows,
        row_count: event.row_count,
        capped: event.capped,
        ...(pending.length > 0 ? { parts_pending: pending } : {}),
      };
    }
    case 'answer_chunk':
      return { ...view, answer: event.answer };
    case 'answer':
      return partMade({ ...view, answer: event.answer }, 'answer');
    case 'chart':
      return partMade(
        { ...view, chart: { kind: event.kind, spec: event.spec, chosen_by: event.chosen_by } },
        'chart',
      );
    case 'follow_ups':
      return partMade({ ...view, follow_ups: event.questions }, 'follow_ups');
    case 'reply':
      return { ...view, status: 'finished', intent: event.intent, reply: event.reply };
    case 'error':
      return {
        ...withoutPending(view),
        status: statusOfError(event.code),
        error: { code: event.code, message: event.message },
      };
    default:
      return view;
  }
}

function withoutPending(view: AskView): AskView {
  const { parts_pending: _done, ...rest } = view;
  return rest;
}

/** One announced part arrived; the last one finishes the ask. */
function partMade(view: AskView, part: AnswerPart): AskView {
  const pending = (view.parts_pending ?? []).filter((name) => name !== part);
  return pending.length > 0
    ? { ...view, parts_pending: pending }
    : { ...withoutPending(view), status: 'finished' };
}

export type { CellValue };
