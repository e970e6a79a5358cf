import { resolve } from 'node:path';
import { createResilientKnowledgeReads } from './asks/knowledgeReads.js';
import type { Config } from './config.js';
import { createDataSourceRegistry, type DataSourceRegistry } from './datasources/registry.js';
import { ensureDemoDatabase } from './demo/build.js';
import { demoDescriptions } from './demo/descriptions.js';
import { demoDictionaries } from './demo/dictionaries.js';
import type { KnowledgeStore } from './knowledge/port.js';
import { openKnowledgeStore } from './knowledge/store.js';
import { createOpenAiClient } from './llm/openaiClient.js';
import type { Logger } from './logger.js';
import {
  type AccessRuleCache,
  applyAccessRules,
  createAccessRuleCache,
} from './pipeline/accessRules.js';
import { createSchemaCache } from './pipeline/schemaCache.js';
import type { PipelineDeps } from './pipeline/types.js';
import { createRetrievalService } from './retrieval/retrievalService.js';

/** Where the demo database is built when DATABASE_URL is unset. */
const DEMO_DATABASE_PATH = 'data/demo.sqlite';

/** What answering asks needs, plus the parts the server also uses for its admin API. */
export interface BuiltPipeline {
  pipeline: PipelineDeps;
  store: KnowledgeStore;
  registry: DataSourceRegistry;
  accessRules: AccessRuleCache;
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
  } = {},
): Promise<BuiltPipeline> {
  const store = await openKnowledgeStore({ url: config.appDatabaseUrl, logger });
  const defaultUrl =
    config.databaseUrl ??
    (await ensureDemoDatabase(options.demoDatabasePath ?? resolve(DEMO_DATABASE_PATH)));
  await store.datasources.ensureDefault(defaultUrl);
  if (config.databaseUrl === undefined) await seedDemoKnowledge(store);
  // Asks read the app database through here, so they are answered while it is down.
  const knowledgeReads = createResilientKnowledgeReads({
    store,
    instructions: () => allInstructions(store),
    logger,
  });
  await knowledgeReads.warm();

  const registry = createDataSourceRegistry({
    resolveUrl: (name) => knowledgeReads.dataSourceUrl(name),
    logger,
  });
  const llm = createOpenAiClient({ config: config.llm, logger });
  const schemas = createSchemaCache({ dataSource: (name) => registry.get(name) });
  const accessRules = createAccessRuleCache(knowledgeReads.accessRules);
  // The one way to a data source's tables for the model: retrieval, DDL, intent and sample
  // values all read through here, so hidden tables and columns never reach a prompt.
  const visibleTables = async (name: string) => {
    const [tables, rules] = await Promise.all([schemas.tables(name), accessRules.rules(name)]);
    return applyAccessRules(tables, rules);
  };
  const retrieval = createRetrievalService({
    sources: {
      ...knowledgeReads.retrieval,
      tables: visibleTables,
      dataSource: (name) => registry.get(name),
    },
    embedder: config.llm.embeddingModel ? llm : undefined,
    logger,
  });

  const pipeline: PipelineDeps = {
    settings: config.ask,
    llm,
    retrieval,
    dataSource: (name) => registry.get(name),
    schema: visibleTables,
    accessRules: (name) => accessRules.rules(name),
    knowledge: knowledgeReads.pipeline,
    logger,
    now: options.now ?? (() => new Date()),
  };
  return {
    pipeline,
    store,
    registry,
    accessRules,
    async close() {
      await registry.closeAll();
      await store.close();
    },
  };
}

/**
 * The demo's dictionaries and table descriptions, seeded once: an admin who deletes them
 * later does not see them come back.
 */
async function seedDemoKnowledge(store: KnowledgeStore): Promise<void> {
  if (await store.settings.get('demo_knowledge_seeded')) return;
  for (const kind of ['department', 'project'] as const) {
    await store.dictionaries[kind].importMany(
      demoDictionaries[kind].map((input, index) => ({ row: index + 1, input })),
    );
  }
  for (const [table, { description, columns }] of Object.entries(demoDescriptions)) {
    await store.schemaDescriptions.set('default', table, null, description);
    for (const [column, text] of Object.entries(columns)) {
      await store.schemaDescriptions.set('default', table, column, text);
    }
  }
  await store.settings.set('demo_knowledge_seeded', 'true');
}

/** Every instruction, page by page (the list API pages; retrieval needs them all). */
async function allInstructions(store: KnowledgeStore) {
  const all = [];
  for (let page = 1; ; page += 1) {
    const batch = await store.instructions.list({ page, page_size: 500 });
    all.push(...batch.items);
    if (all.length >= batch.total || batch.items.length === 0) return all;
  }
}
