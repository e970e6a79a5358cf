import { QuarryError } from '../errors.js';
import type { KnowledgeStore } from '../knowledge/port.js';
import type { Logger } from '../logger.js';
import type { AbbreviationMaps, PipelineKnowledge } from '../pipeline/types.js';
import type { InstructionDoc, SqlPairDoc } from '../retrieval/knowledgeIndex.js';
import type { RetrievalSources } from '../retrieval/retrievalService.js';
import { createOutageLog } from './outage.js';

type Description = Awaited<ReturnType<KnowledgeStore['schemaDescriptions']['list']>>[number];

/** Everything retrieval reads at one knowledge revision, loaded together so it stays consistent. */
interface KnowledgeSnapshot {
  revision: number;
  sqlPairs: SqlPairDoc[];
  instructions: InstructionDoc[];
  descriptions: Map<string, Description[]>;
}

/**
 * The app-database reads an ask makes, made to survive an outage of the app database: an ask
 * is still answered while it is down. Promises: dictionaries, retrieval knowledge and data
 * source URLs fall back to the last good read; historical match and thread history are
 * skipped; the outage is logged once as a warning when it starts and once when it ends.
 * Retrieval's revision only moves once everything of the new revision has been read, so its
 * cached indexes are never rebuilt from half-read knowledge. Leaves out: writes (see
 * historyQueue) and the admin API, which reports the outage as errors.
 */
export interface ResilientKnowledgeReads {
  pipeline: PipelineKnowledge;
  retrieval: Pick<RetrievalSources, 'revision' | 'sqlPairs' | 'instructions' | 'descriptions'>;
  /**
   * For access rules (hidden tables and columns): the last good read, but never "nothing is
   * hidden" for a data source whose rules were never read; that fails the ask instead.
   */
  accessRules: {
    revision(): Promise<number>;
    descriptions(datasource: string): Promise<Description[]>;
  };
  dataSourceUrl(name: string): Promise<string | undefined>;
  /** Reads what the first ask needs (the default data source's URL, knowledge, dictionaries). */
  warm(): Promise<void>;
}

export function createResilientKnowledgeReads(deps: {
  store: KnowledgeStore;
  /** Every instruction (the store pages them). */
  instructions: () => Promise<InstructionDoc[]>;
  logger: Logger;
}): ResilientKnowledgeReads {
  const { store } = deps;
  const outage = createOutageLog(deps.logger, {
    down: 'app database unreachable: asks are answered with the last good knowledge, without historical match or thread history, and their history is queued',
    up: 'app database reachable again',
  });
  const urls = new Map<string, string>();
  let dictionaries: AbbreviationMaps = { department: new Map(), project: new Map() };
  let snapshot: KnowledgeSnapshot | undefined;
  let loading: Promise<KnowledgeSnapshot> | undefined;

  /** Runs a read; on failure notes the outage and answers `fallback()` instead. */
  async function read<T>(what: string, work: () => Promise<T>, fallback: () => T): Promise<T> {
    try {
      const value = await work();
      outage.succeeded();
      return value;
    } catch (error) {
      outage.failed(error, what);
      return fallback();
    }
  }

  async function load(revision: number): Promise<KnowledgeSnapshot> {
    const names = [...(snapshot?.descriptions.keys() ?? [])];
    const [sqlPairs, instructions, ...described] = await Promise.all([
      store.sqlPairs.exportAll(),
      deps.instructions(),
      ...names.map((name) => store.schemaDescriptions.list(name)),
    ]);
    const descriptions = new Map(names.map((name, i) => [name, described[i] ?? []]));
    // A pair whose SQL no longer passes its check must not teach the model.
    const usable = sqlPairs.filter((pair) => pair.broken === null);
    return { revision, sqlPairs: usable, instructions, descriptions };
  }

  /** The snapshot of the current revision, or the last good one while the store fails. */
  async function current(): Promise<KnowledgeSnapshot | undefined> {
    return read(
      'knowledge',
      async () => {
        const revision = await store.revision();
        if (snapshot?.revision === revision) return snapshot;
        loading ??= load(revision).finally(() => {
          loading = undefined;
        });
        snapshot = await loading;
        return snapshot;
      },
      () => snapshot,
    );
  }

  const reads: ResilientKnowledgeReads = {
    pipeline: {
      abbreviationDictionaries: () =>
        read(
          'abbreviation dictionaries',
          async () => {
            dictionaries = await store.abbreviationDictionaries();
            return dictionaries;
          },
          () => ({
            department: new Map(dictionaries.department),
            project: new Map(dictionaries.project),
            ...(dictionaries.columns ? { columns: dictionaries.columns } : {}),
          }),
        ),
      // A missed historical match only costs a model call; a failed ask costs the answer.
      findVerifiedSql: (question, datasource) =>
        read(
          'historical match',
          () => store.asks.findVerifiedSql(question, datasource),
          () => undefined,
        ),
      threadTurns: (threadId, limit, excludeAskId) =>
        read(
          'thread history',
          async () =>
            (await store.asks.threadTurns(threadId, limit, excludeAskId)).map((turn) => ({
              question: turn.question,
              rephrasedQuestion: turn.rephrased_question,
              sql: turn.sql,
            })),
          () => [],
        ),
    },

    retrieval: {
      // -1 before anything was ever read: indexes built from nothing are rebuilt once it can be.
      revision: async () => (await current())?.revision ?? -1,
      sqlPairs: async () => (snapshot ?? (await current()))?.sqlPairs ?? [],
      instructions: async () => (snapshot ?? (await current()))?.instructions ?? [],
      async descriptions(name) {
        const known = (await current())?.descriptions.get(name);
        if (known) return known;
        return read(
          'schema descriptions',
          async () => {
            const list = await store.schemaDescriptions.list(name);
            snapshot?.descriptions.set(name, list);
            return list;
          },
          // Never read yet: the schema index is built without descriptions until the next revision.
          () => [],
        );
      },
    },

    accessRules: {
      revision: () => reads.retrieval.revision(),
      async descriptions(name) {
        const known = (await current())?.descriptions.get(name);
        if (known) return known;
        try {
          const list = await store.schemaDescriptions.list(name);
          snapshot?.descriptions.set(name, list);
          return list;
        } catch (error) {
          outage.failed(error, 'access rules');
          throw new QuarryError(
            'DATASOURCE_UNAVAILABLE',
            `The app database is unreachable, so what is hidden in the data source '${name}' cannot be read; try again shortly.`,
            { cause: error },
          );
        }
      },
    },

    async dataSourceUrl(name) {
      try {
        const url = await store.datasources.getUrl(name);
        outage.succeeded();
        if (url === undefined) urls.delete(name);
        else urls.set(name, url);
        return url;
      } catch (error) {
        outage.failed(error, 'data source URL');
        const known = urls.get(name);
        if (known !== undefined) return known;
        throw new QuarryError(
          'DATASOURCE_UNAVAILABLE',
          `The app database is unreachable, so the data source '${name}' cannot be looked up; try again shortly.`,
          { cause: error },
        );
      }
    },
    async warm() {
      await Promise.all([
        reads.dataSourceUrl('default').catch(() => undefined),
        reads.accessRules.descriptions('default').catch(() => undefined),
        reads.pipeline.abbreviationDictionaries(),
      ]);
    },
  };
  return reads;
}
