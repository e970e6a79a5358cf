import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ensureAdminToken } from './api/adminToken.js';
import { createAdminApiRouter } from './api/router.js';
import { createAskLimiter } from './asks/askLimiter.js';
import { createInProcessAskQueue } from './asks/askQueue.js';
import { createAskService } from './asks/askService.js';
import { createKnowledgeAskHistory } from './asks/history.js';
import { createQueuedAskHistory } from './asks/historyQueue.js';
import { createResilientKnowledgeReads } from './asks/knowledgeReads.js';
import type { Config } from './config.js';
import { openDataSource } from './datasources/index.js';
import { createDataSourceRegistry } from './datasources/registry.js';
import { ensureDemoDatabase } from './demo/build.js';
import { demoDescriptions } from './demo/descriptions.js';
import { demoDictionaries } from './demo/dictionaries.js';
import { createHttpApp } from './http/app.js';
import { createV1Router } from './http/v1Routes.js';
import type { KnowledgeStore } from './knowledge/port.js';
import { openKnowledgeStore } from './knowledge/store.js';
import { createOpenAiClient } from './llm/openaiClient.js';
import type { Logger } from './logger.js';
import { applyAccessRules, createAccessRuleCache } from './pipeline/accessRules.js';
import { createSchemaCache } from './pipeline/schemaCache.js';
import type { PipelineDeps } from './pipeline/types.js';
import { createRetrievalService } from './retrieval/retrievalService.js';
import { expandDictionaryAbbreviations } from './sql/abbreviations.js';
import { assertReadOnlySql } from './sql/guard.js';
import { attachWebSocketServer } from './ws/wsServer.js';

export interface RunningServer {
  port: number;
  adminToken: string;
  store: KnowledgeStore;
  close(): Promise<void>;
}

/** Where the demo database is built when DATABASE_URL is unset. */
const DEMO_DATABASE_PATH = 'data/demo.sqlite';
const ADMIN_STATIC_DIR = resolve(import.meta.dirname, '../../admin/dist');

/**
 * The server's composition root: builds every client once from the configuration and hands
 * them down. Tests call it with their own configuration; `main.ts` calls it with the
 * environment's.
 */
export async function startQuarryServer(
  config: Config,
  logger: Logger,
  options: {
    print?: (line: string) => void;
    now?: () => Date;
    /** Where to build the demo database (tests use a temp dir). */
    demoDatabasePath?: string;
  } = {},
): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const store = await openKnowledgeStore({ url: config.appDatabaseUrl, logger });
  const adminToken = await ensureAdminToken(store, config.adminToken, print);

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
  const queue = createInProcessAskQueue(pipeline);
  const history = createQueuedAskHistory(createKnowledgeAskHistory(store), {
    logger,
    limit: config.askHistoryQueueLimit,
    storeAnswers: () => store.revision(),
  });
  const asks = createAskService({ queue, history, logger });
  const askLimiter = createAskLimiter(config.limits.asksPerUser);

  const adminApi = createAdminApiRouter({
    store,
    adminToken,
    logger,
    previewSql: async (name, sql) => {
      const dataSource = await registry.get(name);
      // Admins preview what users can query, so the access rules apply here too.
      assertReadOnlySql(sql, dataSource.dialect, await accessRules.rules(name));
      return dataSource.execute(sql, { rowLimit: 20, timeoutMs: config.ask.queryTimeoutMs });
    },
    testConnection: async (url) => {
      const dataSource = openDataSource(url, { logger });
      try {
        await dataSource.describe();
      } finally {
        await dataSource.close();
      }
    },
    describeDataSource: async (name) => (await registry.get(name)).describe(),
    expandSql: async (sql, name) => {
      const dataSource = await registry.get(name);
      return expandDictionaryAbbreviations(
        sql,
        await store.abbreviationDictionaries(),
        dataSource.dialect,
      );
    },
  });
  const app = createHttpApp({
    logger,
    v1: createV1Router({
      asks,
      apiTokens: config.apiTokens,
      askLimiter,
      recordFeedback: async (id, feedback) => {
        if (!(await store.asks.get(id))) return false;
        await store.asks.recordFeedback(id, feedback);
        return true;
      },
    }),
    adminApi,
    adminStaticDir: ADMIN_STATIC_DIR,
    health: async () => ({ llm_configured: Boolean(config.llm.apiKey || config.llm.baseUrl) }),
  });

  const http = createServer(app);
  const wss = attachWebSocketServer({
    server: http,
    asks,
    logger,
    apiTokens: config.apiTokens,
    askLimiter,
    limits: {
      maxConcurrentAsks: config.limits.asksPerConnection,
      messagesPerSecond: config.limits.wsMessagesPerSecond,
      messageBurst: config.limits.wsMessageBurst,
    },
  });
  http.listen(config.port);
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  logger.info(
    { port },
    `Quarry is listening on http://localhost:${port} (WebSocket /ws, console /admin)`,
  );

  return {
    port,
    adminToken,
    store,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await queue.close();
      // Stopped asks report their outcome a moment later; then wait for waiting writes.
      await new Promise((done) => setImmediate(done));
      await history.close();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
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
