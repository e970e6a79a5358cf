import type { KnowledgeStore } from '../knowledge/port.js';
import type { AskOutcome } from '../pipeline/types.js';
import type { AskHistory } from './askService.js';
import type { AskView } from './askState.js';

/**
 * Ask history in the knowledge store: one row per ask, created at start, completed at the end.
 * Both writes may be retried (see historyQueue).
 */
export function createKnowledgeAskHistory(store: KnowledgeStore): AskHistory {
  return {
    async recordStart(input) {
      try {
        await store.asks.create({
          id: input.askId,
          question: input.question,
          source: input.source,
          datasource: input.datasource,
          thread_id: input.threadId ?? null,
          asked_by: input.askedBy ?? null,
          asked_by_name: input.askedByName ?? null,
          status: 'understanding',
        });
      } catch (error) {
        // A retried write whose first attempt landed but whose answer was lost: done already.
        if (await store.asks.get(input.askId).catch(() => undefined)) return;
        throw error;
      }
    },
    async recordOutcome(askId: string, outcome: AskOutcome) {
      await store.asks.update(askId, {
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
      });
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
        ...(record.error
          ? { error: { code: record.error_code ?? 'INTERNAL', message: record.error } }
          : {}),
      };
      return view;
    },
  };
}
