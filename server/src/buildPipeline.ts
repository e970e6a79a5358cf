import { resolve } from 'node:path';
import { createResilientKnowledgeReads } from './asks/knowledgeReads.js';
import { createOutageLog } from './asks/outage.js';
import type { Config } from './config.js';
import { createDataSourceRegistry, type DataSourceRegistry } from './datasources/registry.js';
import { ensureDemoDatabase } from './demo/build.js';
import { demoDescriptions } from './demo/descriptions.js';
import { demoDictionaries } from './demo/dictionaries.js';
import { isQuarryError } from './errors.js';
import type { ReadinessCheck } from './http/readiness.js';
import type { KnowledgeStore } from './knowledge/port.js';
import {
  createKnowledgeSnapshots,
  type KnowledgeSnapshot,
  type KnowledgeSnapshots,
  pinSnapshot,
} from './knowledge/snapshot.js';
import { openKnowledgeStore } from './knowledge/store.js';
import { createOpenAiClient, type OpenAiClient } from './llm/openaiClient.js';
import type { Logger } from './logger.js';
import type { QuarryMetrics } from './metrics.js';
import {
  type AccessRuleCache,
  applyAccessRules,
  createAccessRuleCache,
} from './pipeline/accessRuleCache.js';
import { createSchemaCache } from './pipeline/schemaCache.js';
import type { PipelineDeps } from './pipeline/types.js';
import type { TableInfo } from './ports.js';
import { createRetrievalService } from './retrieval/retrievalService.js';
import { loadSecretKey } from './secrets.js';
import { syncDemoSemantics } from './semantics/demo.js';
import {
  createSemanticLayer,
  type SemanticLayer,
  type SemanticScope,
} from './semantics/service.js';

/** Where the demo database is built when DATABASE_URL is unset. */
const DEMO_DATABASE_PATH = 'data/demo.sqlite';

/** What answering asks needs, plus the parts the server also uses for its admin API. */
export interface BuiltPipeline {
  pipeline: PipelineDeps;
  store: KnowledgeStore;
  /** The knowledge snapshots asks read; Redis change notices are wired to it by the caller. */
  knowledge: KnowledgeSnapshots;
  registry: DataSourceRegistry;
  accessRules: AccessRuleCache;
  semantics: SemanticLayer;
  /** The model client (also `pipeline.llm`). */
  llm: OpenAiClient;
  /**
   * What `/ready` asks of what asks run on: the app database, the default data source and the
   * model endpoint (a process on Redis adds its queue).
   */
  readiness: ReadinessCheck[];
  /** Closes the data sources, then the app database. */
  close(): Promise<void>;
}

/**
 * The one way a process builds the clients asks run on: the server (`server.ts`) and the
 * worker (`worker/startWorker.ts`) both call it, so an ask is answered the same wherever it
 * runs. Opens the app database, makes sure the default data source (the demo when
 * DATABASE_URL is unset) is registered, and warms the knowledge the first ask reads.
 */
export async function buildPipeline(
  config: Config,
  logger: Logger,
  options: {
    now?: () => Date;
    /** Where to build the demo database (tests use a temp dir). */
    demoDatabasePath?: string;
    /**
     * Seed the demo's knowledge on the demo, remove it from a real database (the server's
     * job; workers only read knowledge).
     */
    manageDemoKnowledge?: boolean;
    /** Where model calls and query times are counted for `/metrics`. */
    metrics?: QuarryMetrics;
  } = {},
): Promise<BuiltPipeline> {
  const store = await openKnowledgeStore({
    url: config.appDatabaseUrl,
    logger,
    secretKey: loadSecretKey(config.secretKey, config.appDatabaseUrl, logger),
  });
  const defaultUrl =
    config.databaseUrl ??
    (await ensureDemoDatabase(options.demoDatabasePath ?? resolve(DEMO_DATABASE_PATH)));
  await store.datasources.ensureDefault(defaultUrl);
  if (options.manageDemoKnowledge) {
    await syncDemoKnowledge(store, { onDemo: config.databaseUrl === undefined, logger });
  }
  const outage = createOutageLog(logger, {
    down: 'app database unreachable: asks are answered with the last good knowledge, without thread history, and their history is queued',
    up: 'app database reachable again',
  });
  // What Quarry knows, in memory, at the newest revision this process was told of.
  const knowledge = createKnowledgeSnapshots({
    store,
    outage,
    checkEveryMs: config.knowledgeCheckMs,
  });
  // Asks read the app database through here, so they are answered while it is down.
  const knowledgeReads = createResilientKnowledgeReads({
    store,
    snapshot: () => knowledge.current(),
    outage,
  });
  await knowledge.current().catch(() => undefined);

  const registry = createDataSourceRegistry({
    resolveUrl: (name) => knowledgeReads.dataSourceUrl(name),
    appDatabaseUrl: config.appDatabaseUrl,
    logger,
    queryTimeoutMs: config.ask.queryTimeoutMs,
    observeExecution: options.metrics
      ? (seconds, outcome) => options.metrics?.sqlSeconds.observe({ outcome }, seconds)
      : undefined,
  });
  const llm = createOpenAiClient({ config: config.llm, logger, metrics: options.metrics });
  const schemas = createSchemaCache({ dataSource: (name) => registry.get(name) });
  const accessRules = createAccessRuleCache(knowledgeReads.accessRules);
  /** Where what is hidden and the semantic layer are read when no ask pins a snapshot. */
  const currentScope: SemanticScope = {
    knowledge: () => knowledge.current(),
    accessRules: (name) => accessRules.rules(name),
  };
  // The one way to a data source's tables for the model: retrieval, DDL, intent and sample
  // values all read through here, so hidden tables and columns never reach a prompt.
  const semantics = createSemanticLayer({
    store,
    dataSource: (name) => registry.get(name),
    tables: (name) => schemas.tables(name),
    // An admin page reads the schema now, and asks should see what it saw.
    describe: (name) => schemas.fresh(name),
    ...currentScope,
    timeoutMs: config.ask.queryTimeoutMs,
    logger,
  });
  // The semantic layer joins here: calculated fields as columns, metrics as tables,
  // relationships as join conditions.
  if (options.manageDemoKnowledge) {
    await syncDemoSemantics(store, semantics, { onDemo: config.databaseUrl === undefined, logger });
  }
  /** The tables the model may see, hidden ones removed, as `scope`'s knowledge has them. */
  const visibleTablesIn = (scope: SemanticScope) => async (name: string) => {
    const [tables, rules] = await Promise.all([schemas.tables(name), scope.accessRules(name)]);
    return semantics.view(name, applyAccessRules(tables, rules), rules, scope);
  };
  const retrieval = createRetrievalService({
    sources: {
      knowledge: knowledgeReads.retrieval.knowledge,
      tables: visibleTablesIn(currentScope),
      dataSource: (name) => registry.get(name),
    },
    embedder: config.llm.embeddingModel ? llm : undefined,
    logger,
  });

  /**
   * The deps asks run on, every knowledge read answered from `snapshot`; `oneAsk` when they
   * serve a single ask, which may keep what it worked out for its whole run.
   */
  const depsAt = (snapshot: () => Promise<KnowledgeSnapshot>, oneAsk: boolean): PipelineDeps => {
    const reads = createResilientKnowledgeReads({ store, snapshot, outage });
    const scope: SemanticScope = {
      knowledge: snapshot,
      accessRules: (name) => accessRules.rules(name, reads.accessRules),
    };
    const visibleTables = visibleTablesIn(scope);
    // For one ask, worked out once per data source: the historical match, retrieval, intent
    // and the fallback schema all read the same visible tables.
    const visible = new Map<string, Promise<TableInfo[]>>();
    const schema = !oneAsk
      ? visibleTables
      : (name: string) => {
          let tables = visible.get(name);
          if (tables === undefined) {
            tables = visibleTables(name);
            visible.set(name, tables);
          }
          return tables;
        };
    return {
      settings: config.ask,
      llm,
      retrieval: retrieval.at({ knowledge: reads.retrieval.knowledge, tables: schema }),
      dataSource: (name) => registry.get(name, reads.dataSourceUrl),
      schema,
      accessRules: scope.accessRules,
      semanticCatalog: (name) => semantics.catalog(name, scope),
      knowledge: reads.pipeline,
      logger,
      now: options.now ?? (() => new Date()),
    };
  };
  const pipeline: PipelineDeps = {
    ...depsAt(() => knowledge.current(), false),
    forAsk: () => depsAt(pinSnapshot(knowledge), true),
  };
  return {
    pipeline,
    store,
    knowledge,
    registry,
    accessRules,
    semantics,
    llm,
    readiness: [
      { name: 'app_database', check: async () => void (await store.revision()) },
      {
        name: 'default_datasource',
        check: async () => (await registry.get('default')).dryRun('SELECT 1'),
      },
      { name: 'model', check: (timeoutMs) => llm.ping(timeoutMs) },
    ],
    async close() {
      knowledge.close();
      await registry.closeAll();
      await store.close();
    },
  };
}

/** Whether the demo's knowledge is in the app database: `seeded`, `removed`, or never. */
const DEMO_KNOWLEDGE = 'demo_knowledge';
const DICTIONARY_KINDS = ['department', 'project'] as const;

/** Every demo description as (table, column) → text; column null describes the table. */
function demoDescriptionEntries(): { table: string; column: string | null; text: string }[] {
  return Object.entries(demoDescriptions).flatMap(([table, { description, columns }]) => [
    { table, column: null, text: description },
    ...Object.entries(columns).map(([column, text]) => ({ table, column, text })),
  ]);
}

/**
 * The demo's dictionaries and table descriptions belong to the demo. On the demo they are
 * seeded once (an admin who deletes some does not see them come back). Once DATABASE_URL
 * points at a real database, the entries still as seeded are removed: the demo's `SALES`
 * must not rewrite a literal in the company's SQL. Entries an admin changed stay.
 */
async function syncDemoKnowledge(
  store: KnowledgeStore,
  context: { onDemo: boolean; logger: Logger },
): Promise<void> {
  const state = await store.settings.get(DEMO_KNOWLEDGE);
  if (context.onDemo) {
    if (state === 'seeded') return;
    for (const kind of DICTIONARY_KINDS) {
      await store.dictionaries[kind].importMany(
        demoDictionaries[kind].map((input, index) => ({ row: index + 1, input })),
      );
    }
    for (const { table, column, text } of demoDescriptionEntries()) {
      await store.schemaDescriptions.set('default', table, column, text);
    }
    await store.settings.set(DEMO_KNOWLEDGE, 'seeded');
    return;
  }
  if (state !== 'seeded') return;
  let removed = 0;
  for (const kind of DICTIONARY_KINDS) {
    const seeded = new Set(
      demoDictionaries[kind].map((e) => `${e.abbreviation}\u0000${e.full_name}`),
    );
    for (const entry of await store.dictionaries[kind].exportAll()) {
      if (!seeded.has(`${entry.abbreviation}\u0000${entry.full_name}`)) continue;
      await store.dictionaries[kind].delete(entry.id).catch(ignoreNotFound);
      removed += 1;
    }
  }
  const stored = new Map(
    (await store.schemaDescriptions.list('default')).map((d) => [`${d.table}\u0000${d.column}`, d]),
  );
  for (const { table, column, text } of demoDescriptionEntries()) {
    const entry = stored.get(`${table}\u0000${column}`);
    if (!entry || entry.description !== text || entry.hidden) continue;
    await store.schemaDescriptions.delete('default', table, column).catch(ignoreNotFound);
    removed += 1;
  }
  await store.settings.set(DEMO_KNOWLEDGE, 'removed');
  context.logger.info(
    { removed },
    "DATABASE_URL points at your database: removed the demo's dictionary entries and descriptions",
  );
}

/** Another process removed the same entry first: the outcome is the one wanted. */
function ignoreNotFound(error: unknown): void {
  if (!isQuarryError(error, 'NOT_FOUND')) throw error;
}
