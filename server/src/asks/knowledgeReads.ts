import { QuarryError } from '../errors.js';
import type { KnowledgeStore } from '../knowledge/port.js';
import type { KnowledgeSnapshot } from '../knowledge/snapshot.js';
import type { AbbreviationMaps, PipelineKnowledge } from '../pipeline/types.js';
import type { RetrievalKnowledge, RetrievalSources } from '../retrieval/retrievalService.js';
import type { OutageLog } from './outage.js';

/**
 * What an ask reads from the app database, made to survive an outage of it: an ask is still
 * answered while it is down. Everything but a thread's earlier turns comes from the knowledge
 * snapshot (memory; see knowledge/snapshot.ts), which keeps the last good read while the
 * database is down. Promises: before any snapshot was ever read, dictionaries and retrieval
 * knowledge are empty and the historical match finds nothing, while access rules and data
 * source URLs fail the ask (never "nothing is hidden"); thread history is skipped while the
 * database is down. Leaves out: writes (see historyQueue) and the admin API, which reports the
 * outage as errors.
 */
export interface ResilientKnowledgeReads {
  pipeline: PipelineKnowledge;
  retrieval: Pick<RetrievalSources, 'knowledge'>;
  /** The snapshot the access rules (hidden tables and columns) of a data source are read from. */
  accessRules(datasource: string): Promise<KnowledgeSnapshot>;
  dataSourceUrl(name: string): Promise<string | undefined>;
}

const NO_DICTIONARIES: AbbreviationMaps = { department: new Map(), project: new Map() };

export function createResilientKnowledgeReads(deps: {
  store: KnowledgeStore;
  /**
   * The snapshot these reads answer from: the current one (`KnowledgeSnapshots.current`), or
   * one ask's, taken once (`pinSnapshot`).
   */
  snapshot: () => Promise<KnowledgeSnapshot>;
  outage: OutageLog;
}): ResilientKnowledgeReads {
  const { store, outage } = deps;

  /** The snapshot, or `fallback()` when none was ever read and none can be now. */
  async function withSnapshot<T>(
    read: (snapshot: KnowledgeSnapshot) => T,
    fallback: () => T,
  ): Promise<T> {
    let snapshot: KnowledgeSnapshot;
    try {
      snapshot = await deps.snapshot();
    } catch {
      return fallback();
    }
    return read(snapshot);
  }

  /** The snapshot, or DATASOURCE_UNAVAILABLE saying what the ask cannot go without. */
  async function requireSnapshot(consequence: string): Promise<KnowledgeSnapshot> {
    try {
      return await deps.snapshot();
    } catch (error) {
      throw new QuarryError(
        'DATASOURCE_UNAVAILABLE',
        `The app database is unreachable, so ${consequence}; try again shortly.`,
        { cause: error },
      );
    }
  }

  return {
    pipeline: {
      abbreviationDictionaries: () =>
        withSnapshot(
          (snapshot) => snapshot.dictionaries,
          () => NO_DICTIONARIES,
        ),
      // A missed historical match only costs a model call; a failed ask costs the answer.
      findVerifiedSql: (question, datasource) =>
        withSnapshot(
          (snapshot) => snapshot.verifiedSql(question, datasource),
          () => undefined,
        ),
      async threadTurns(threadId, limit, excludeAskId) {
        try {
          const turns = await store.asks.threadTurns(threadId, limit, excludeAskId);
          outage.succeeded();
          return turns.map((turn) => ({
            question: turn.question,
            rephrasedQuestion: turn.rephrased_question,
            sql: turn.sql,
          }));
        } catch (error) {
          outage.failed(error, 'thread history');
          return [];
        }
      },
    },

    retrieval: {
      // Before anything was ever read: indexes built from nothing (revision -1) are rebuilt
      // once knowledge can be read.
      knowledge: () =>
        withSnapshot(
          (snapshot) => snapshot,
          (): RetrievalKnowledge => ({
            revision: -1,
            sqlPairs: [],
            instructions: [],
            descriptions: () => [],
          }),
        ),
    },

    accessRules: (name) =>
      requireSnapshot(`what is hidden in the data source '${name}' cannot be read`),

    async dataSourceUrl(name) {
      const snapshot = await requireSnapshot(`the data source '${name}' cannot be looked up`);
      return snapshot.dataSourceUrl(name);
    },
  };
}
