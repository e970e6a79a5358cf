import type { Instruction, SchemaDescription, SqlPair } from '@quarry/shared';
import type { OutageLog } from '../asks/outage.js';
import type { AbbreviationDictionaries, KnowledgeStore, SemanticDefinitions } from './port.js';
import { indexVerifiedQuestions } from './verifiedQuestions.js';

/**
 * What Quarry knows at one knowledge revision, read together so it stays consistent, and
 * answered from memory: everything an ask reads from the app database except its thread's
 * earlier turns. Never changes once built; a newer revision is a new snapshot.
 */
export interface KnowledgeSnapshot {
  readonly revision: number;
  /** SQL pairs whose SQL passed its last check: a broken pair must not teach the model. */
  readonly sqlPairs: readonly SqlPair[];
  readonly instructions: readonly Instruction[];
  readonly dictionaries: AbbreviationDictionaries;
  /** The admin's descriptions and hidden flags of a data source's tables and columns. */
  descriptions(datasource: string): readonly SchemaDescription[];
  /** The data source's semantic layer as stored (verdicts included). */
  semantics(datasource: string): SemanticDefinitions;
  /**
   * The data source's connection URL; undefined when there is no such data source. Throws
   * for a URL sealed under another QUARRY_SECRET_KEY, as the store would.
   */
  dataSourceUrl(name: string): string | undefined;
  /** The historical match: SQL verified for this question on this data source, if any. */
  verifiedSql(question: string, datasource: string): string | undefined;
}

const NO_DEFINITIONS: SemanticDefinitions = {
  relationships: [],
  calculatedFields: [],
  metrics: [],
};

/** Every instruction, page by page (the list API pages; asks need them all). */
async function allInstructions(store: KnowledgeStore): Promise<Instruction[]> {
  const all: Instruction[] = [];
  for (let page = 1; ; page += 1) {
    const batch = await store.instructions.list({ page, page_size: 500 });
    all.push(...batch.items);
    if (all.length >= batch.total || batch.items.length === 0) return all;
  }
}

/**
 * Reads the snapshot of `revision`. The revision is read before the data (writes bump it
 * after they land), so the data is at least as new as the number it is filed under.
 */
export async function loadKnowledgeSnapshot(
  store: KnowledgeStore,
  revision: number,
): Promise<KnowledgeSnapshot> {
  const [pairs, instructions, dictionaries, descriptions, semantics, urls, answers] =
    await Promise.all([
      store.sqlPairs.exportAll(),
      allInstructions(store),
      store.abbreviationDictionaries(),
      store.schemaDescriptions.all(),
      store.semantics.loadAll(),
      store.datasources.urls(),
      store.asks.verifiedAnswers(),
    ]);
  const described = new Map<string, SchemaDescription[]>();
  for (const entry of descriptions) {
    const list = described.get(entry.datasource);
    if (list) list.push(entry);
    else described.set(entry.datasource, [entry]);
  }
  const verified = indexVerifiedQuestions(pairs, answers);
  return {
    revision,
    sqlPairs: pairs.filter((pair) => pair.broken === null),
    instructions,
    dictionaries,
    descriptions: (datasource) => described.get(datasource) ?? [],
    semantics: (datasource) => semantics.get(datasource) ?? NO_DEFINITIONS,
    dataSourceUrl(name) {
      const url = urls.get(name);
      if (url instanceof Error) throw url;
      return url;
    },
    verifiedSql: (question, datasource) => verified.sqlFor(question, datasource),
  };
}

/**
 * One ask's snapshot: taken from `snapshots` at the ask's first knowledge read and answered to
 * every read after it, so all its stages see one revision even when an edit lands mid-ask.
 */
export function pinSnapshot(
  snapshots: Pick<KnowledgeSnapshots, 'current'>,
): () => Promise<KnowledgeSnapshot> {
  let taken: Promise<KnowledgeSnapshot> | undefined;
  return () => {
    taken ??= snapshots.current();
    return taken;
  };
}

/**
 * The one place a process decides whether its knowledge is current. Promises: `current()`
 * answers from memory while nothing changed; after a change notice (`changed()`: this
 * process's store wrote, or another process said so over Redis) the next `current()` waits
 * for a snapshot read after the notice, so an edit is seen by the next ask. A cheap revision
 * check every `checkEveryMs` is the fallback for notices that never came (no Redis, another
 * deployment sharing the app database, a lost message). While the app database is down, the
 * last good snapshot is answered (the outage is logged through `outage`). Leaves out: how
 * notices travel between processes (see changeNotice.ts).
 */
export interface KnowledgeSnapshots {
  /**
   * The snapshot asks read. Rejects only while no snapshot was ever read and the app database
   * cannot be read now.
   */
  current(): Promise<KnowledgeSnapshot>;
  /** A change notice: the revision moved; the next `current()` reads it. */
  changed(): void;
  /** Stops the periodic check. */
  close(): void;
}

export function createKnowledgeSnapshots(deps: {
  store: KnowledgeStore;
  outage: OutageLog;
  /** How often the revision is read when no notice came; 0 turns the check off. */
  checkEveryMs: number;
}): KnowledgeSnapshots {
  const { store, outage } = deps;
  let snapshot: KnowledgeSnapshot | undefined;
  /** Counts notices, so a read that began before one is not taken as current. */
  let notices = 0;
  let stale = true;
  let reading: Promise<void> | undefined;

  /** Reads snapshots until one began after the last notice; one reader at a time. */
  function refresh(): Promise<void> {
    if (reading) return reading;
    const run = (async () => {
      while (stale) {
        const seen = notices;
        const next = await loadKnowledgeSnapshot(store, await store.revision());
        outage.succeeded();
        snapshot = next;
        if (notices === seen) stale = false;
      }
    })();
    reading = run;
    void run.then(
      () => {
        if (reading === run) reading = undefined;
      },
      () => {
        if (reading === run) reading = undefined;
      },
    );
    return run;
  }

  function changed(): void {
    notices += 1;
    stale = true;
    // Read at once, so the next ask finds it ready or in flight.
    refresh().catch((error: unknown) => outage.failed(error, 'knowledge'));
  }

  let checking = false;
  const timer =
    deps.checkEveryMs > 0
      ? setInterval(async () => {
          if (checking) return;
          checking = true;
          try {
            const revision = await store.revision();
            outage.succeeded();
            if (revision !== snapshot?.revision || (stale && !reading)) changed();
          } catch (error) {
            outage.failed(error, 'knowledge revision check');
          } finally {
            checking = false;
          }
        }, deps.checkEveryMs)
      : undefined;
  timer?.unref();
  const unsubscribe = store.onRevision(changed);

  return {
    async current() {
      if (stale || !snapshot) {
        try {
          await refresh();
        } catch (error) {
          outage.failed(error, 'knowledge');
          if (!snapshot) throw error;
        }
      }
      return snapshot as KnowledgeSnapshot;
    },
    changed,
    close() {
      if (timer) clearInterval(timer);
      unsubscribe();
    },
  };
}
