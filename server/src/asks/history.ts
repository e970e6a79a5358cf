import type { AskWrite, KnowledgeStore } from '../knowledge/port.js';
import type { AskInput, AskOutcome } from '../pipeline/types.js';
import type { AskView } from './askState.js';

/** An ask-history write, stamped with the time it was made. */
export type AskHistoryWrite =
  | { kind: 'start'; input: AskInput; at: Date }
  | { kind: 'outcome'; askId: string; outcome: AskOutcome; at: Date };

/**
 * Where ask history is kept. Promises: `write` applies a batch in order and atomically, and may
 * be given the same batch again (a create already there is skipped), resolving with the indexes
 * of the outcomes whose ask does not exist (skipped, the rest written); `find` reads one ask
 * back. Leaves out: queueing and retrying (see historyQueue).
 */
export interface AskHistoryStore {
  write(writes: readonly AskHistoryWrite[]): Promise<{ refused: number[] }>;
  find(askId: string): Promise<AskView | undefined>;
}

function knowledgeWrite(write: AskHistoryWrite): AskWrite {
  if (write.kind === 'start') {
    const { input } = write;
    return {
      kind: 'create',
      record: {
        id: input.askId,
        question: input.question,
        source: input.source,
        datasource: input.datasource,
        thread_id: input.threadId ?? null,
        asked_by: input.askedBy ?? null,
        asked_by_name: input.askedByName ?? null,
        status: 'understanding',
        created_at: write.at,
      },
    };
  }
  const { outcome } = write;
  return {
    kind: 'update',
    id: write.askId,
    at: write.at,
    patch: {
      status: outcome.status,
      sql: outcome.sql ?? null,
      row_count: outcome.rowCount ?? null,
      timings: outcome.timings,
      error_code: outcome.errorCode ?? null,
      error: outcome.error ?? null,
      semantics_used: outcome.semanticsUsed ?? null,
      rephrased_question: outcome.rephrasedQuestion ?? null,
      intent: outcome.intent ?? null,
      ...(outcome.details ? { details: outcome.details } : {}),
      ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
      ...(outcome.chart ? { chart: outcome.chart } : {}),
      ...(outcome.followUps ? { follow_ups: outcome.followUps } : {}),
      result_sample: outcome.resultSample ?? null,
    },
  };
}

/**
 * Ask history in the knowledge store: one row per ask, created at start, completed at the end
 * (with the answer, chart and follow-ups, so polls after a restart still get them).
 */
export function createKnowledgeAskHistory(store: KnowledgeStore): AskHistoryStore {
  return {
    async write(writes) {
      const { missing } = await store.asks.writeBatch(writes.map(knowledgeWrite));
      return { refused: missing };
    },
    async find(askId) {
      const record = await store.asks.get(askId);
      if (!record) return undefined;
      const view: AskView = {
        query_id: record.id,
        status: record.status,
        question: record.question,
        ...(record.rephrased_question ? { rephrased_question: record.rephrased_question } : {}),
        ...(record.intent ? { intent: record.intent } : {}),
        ...(record.sql ? { sql: record.sql } : {}),
        ...(record.row_count !== null ? { row_count: record.row_count } : {}),
        ...(record.answer !== null ? { answer: record.answer } : {}),
        // A chart kept without its spec (too large) cannot be drawn, so it is not offered.
        ...(record.chart?.spec ? { chart: { ...record.chart, spec: record.chart.spec } } : {}),
        ...(record.follow_ups ? { follow_ups: record.follow_ups } : {}),
        ...(record.error
          ? { error: { code: record.error_code ?? 'INTERNAL', message: record.error } }
          : {}),
      };
      return view;
    },
  };
}
