import type { KnowledgeStore } from '../knowledge/port.js';
import type { AskOutcome } from '../pipeline/types.js';
import type { AskHistory } from './askService.js';
import type { AskView } from './askState.js';

/**
 * Ask history in the knowledge store: one row per ask, created at start, completed at the end
 * (with the answer, chart and follow-ups, so polls after a restart still get them). Both writes
 * may be retried (see historyQueue).
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
        ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
        ...(outcome.chart ? { chart: outcome.chart } : {}),
        ...(outcome.followUps ? { follow_ups: outcome.followUps } : {}),
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
