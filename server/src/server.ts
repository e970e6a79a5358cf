import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { MAX_PAGE_SIZE } from '@quarry/shared';
import { ensureAdminToken } from './api/adminToken.js';
import { createAdminApiRouter } from './api/router.js';
import { createAskLimiter } from './asks/askLimiter.js';
import { type AskQueue, createInProcessAskQueue } from './asks/askQueue.js';
import { createAskService } from './asks/askService.js';
import { startAskWorker } from './asks/bull/askWorker.js';
import { createBullAskQueue } from './asks/bull/bullAskQueue.js';
import { openAskJobBus, redisReadiness } from './asks/bull/jobBus.js';
import { shareKnowledgeChanges } from './asks/bull/knowledgeNotices.js';
import { createKnowledgeAskHistory } from './asks/history.js';
import { createQueuedAskHistory } from './asks/historyQueue.js';
import { type BuiltPipeline, buildPipeline } from './buildPipeline.js';
import type { Config } from './config.js';
import { openDataSource } from './datasources/index.js';
import { createHttpApp } from './http/app.js';
import { clientTokens } from './http/auth.js';
import { checkReadiness, READY_CHECK_TIMEOUT_MS, type ReadinessCheck } from './http/readiness.js';
import { createV1Router } from './http/v1Routes.js';
import { createFullNameCheck } from './knowledge/checks/dictionaryCheck.js';
import { createPairRecheck } from './knowledge/checks/pairRecheck.js';
import { checkSql } from './knowledge/checks/sqlPairCheck.js';
import type { KnowledgeStore } from './knowledge/port.js';
import type { Logger } from './logger.js';
import { createMetrics, type QuarryMetrics } from './metrics.js';
import { classifyQuestion } from './pipeline/questionIntent.js';
import { dryRunSql } from './pipeline/stages/dryRun.js';
import { previewAbbreviations } from './pipeline/stages/postProcessing.js';
import { attachWebSocketServer } from './ws/wsServer.js';

export interface RunningServer {
  port: number;
  /** SHA-256 (hex) of the admin token; the token itself is never kept. */
  adminTokenDigest: string;
  store: KnowledgeStore;
  /** What `/metrics` reports; the in-process Slack bot counts its API calls here too. */
  metrics: QuarryMetrics;
  close(): Promise<void>;
}

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
  const metrics = createMetrics();
  const built = await buildPipeline(config, logger, {
    ...options,
    manageDemoKnowledge: true,
    metrics,
  });
  const { pipeline, store, registry, accessRules, semantics } = built;
  const adminTokenDigest = await ensureAdminToken(store, config.adminToken, print);
  const asksRunner = await openAskRunner(config, built, logger, metrics);
  const queue = asksRunner.queue;
  const history = createQueuedAskHistory(createKnowledgeAskHistory(store), {
    logger,
    limit: config.askHistoryQueueLimit,
    storeAnswers: () => store.revision(),
  });
  const asks = createAskService({ queue, history, logger, metrics });
  const askLimiter = createAskLimiter(config.limits.asksPerUser);
  const apiTokens = clientTokens(config.apiTokens, adminTokenDigest);

  /** Whether SQL an admin teaches would run for an employee (null), or why it would not. */
  const checkPairSql = (name: string, sql: string) =>
    checkSql(
      {
        dataSource: (n) => registry.get(n),
        accessRules: (n) => accessRules.rules(n),
        // A SQL pair may read metrics and calculated fields, as asks do.
        semanticCatalog: (n) => semantics.catalog(n),
      },
      name,
      sql,
    );
  const dataSourceNames = async () =>
    (await store.datasources.list({ page: 1, page_size: MAX_PAGE_SIZE })).items.map(
      (source) => source.name,
    );
  // A schema change breaks (or fixes) SQL pairs whether or not anyone opens their list.
  const pairRecheck =
    config.sqlPairRecheckIntervalMs > 0
      ? createPairRecheck({
          store,
          names: dataSourceNames,
          describe: async (name) => (await registry.get(name)).describe(),
          accessRules: (name) => accessRules.rules(name),
          checkSql: checkPairSql,
          logger,
        }).start(config.sqlPairRecheckIntervalMs)
      : undefined;

  const adminApi = createAdminApiRouter({
    store,
    adminTokenDigest,
    appDatabaseUrl: config.appDatabaseUrl,
    logger,
    semantics,
    previewSql: async (name, sql) => {
      const dataSource = await registry.get(name);
      // Admins preview what users can query, so the guard and access rules apply here too; a
      // SQL pair may read metrics and calculated fields, as asks do.
      const runnable = await dryRunSql({
        sql,
        dataSource,
        accessRules: await accessRules.rules(name),
        semantics: await semantics.catalog(name),
      });
      return dataSource.execute(runnable, { rowLimit: 20, timeoutMs: config.ask.queryTimeoutMs });
    },
    testConnection: async (url) => {
      const dataSource = openDataSource(url, {
        logger,
        queryTimeoutMs: config.ask.queryTimeoutMs,
        appDatabaseUrl: config.appDatabaseUrl,
      });
      try {
        await dataSource.describe();
      } finally {
        await dataSource.close();
      }
    },
    describeDataSource: async (name) => (await registry.get(name)).describe(),
    checks: {
      sql: checkPairSql,
      fullName: createFullNameCheck({
        names: dataSourceNames,
        dataSource: (name) => registry.get(name),
      }),
    },
    expandSql: async (sql, name) => {
      const dataSource = await registry.get(name);
      // As an ask would: SQLite's legacy strings spelled out first, then the dictionaries.
      return previewAbbreviations(pipeline, sql, dataSource);
    },
  });
  const app = createHttpApp({
    logger,
    v1: createV1Router({
      asks,
      logger,
      apiTokens,
      askLimiter,
      recordFeedback: async (id, feedback) => {
        if (!(await store.asks.get(id))) return false;
        await store.asks.recordFeedback(id, feedback);
        return true;
      },
      threadAskCount: (threadId) => store.asks.countInThread(threadId),
      classifyIntent: (input) => classifyQuestion(pipeline, input),
    }),
    adminApi,
    adminStaticDir: ADMIN_STATIC_DIR,
    health: async () => ({
      llm_configured: Boolean(config.llm.apiKey || config.llm.baseUrl),
      ask_queue: asksRunner.describe(),
    }),
    ready: () => checkReadiness(readinessChecks, READY_CHECK_TIMEOUT_MS),
    metrics: async () => ({
      contentType: metrics.registry.contentType,
      text: await metrics.registry.metrics(),
    }),
  });
  const readinessChecks: ReadinessCheck[] = [
    ...built.readiness,
    ...(asksRunner.readiness ? [asksRunner.readiness] : []),
  ];

  const http = createServer(app);
  const wss = attachWebSocketServer({
    server: http,
    asks,
    logger,
    apiTokens,
    askLimiter,
    limits: {
      maxConcurrentAsks: config.limits.asksPerConnection,
      messagesPerSecond: config.limits.wsMessagesPerSecond,
      messageBurst: config.limits.wsMessageBurst,
      sendBufferBytes: config.limits.wsSendBufferBytes,
      sendStallMs: config.limits.wsSendStallMs,
    },
  });
  metrics.gauge('quarry_websocket_connections', 'Open /ws connections', () => wss.clients.size);
  metrics.gauge(
    'quarry_ask_queue_depth',
    'Asks waiting on Redis for a worker (0 when asks run in-process)',
    () => asksRunner.waiting(),
  );
  http.listen(config.port, config.host);
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info(
    { host: config.host, port },
    `Quarry is listening on http://${shownHost}:${port} (WebSocket /ws, console /admin)`,
  );

  return {
    port,
    adminTokenDigest,
    store,
    metrics,
    async close() {
      await pairRecheck?.stop();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await asksRunner.close();
      // Stopped asks report their outcome a moment later; then wait for waiting writes.
      await new Promise((done) => setImmediate(done));
      await history.close();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
      await built.close();
    },
  };
}

/** Where this server's asks run, and what closing that takes. */
interface AskRunner {
  queue: AskQueue;
  /** For `/health`: `in-process`, or the Redis queue and whether it is reachable now. */
  describe(): Record<string, unknown> | string;
  /** Asks waiting for a worker. */
  waiting(): Promise<number>;
  /** `/ready`'s look at the queue, when there is one to look at. */
  readiness?: ReadinessCheck;
  close(): Promise<void>;
}

/**
 * In-process without REDIS_URL. With it, asks become bull jobs, and this process also works on
 * them unless ASK_WORKER_CONCURRENCY is 0 (then only `npm run worker` processes run them).
 */
async function openAskRunner(
  config: Config,
  built: BuiltPipeline,
  logger: Logger,
  metrics: QuarryMetrics,
): Promise<AskRunner> {
  const { pipeline } = built;
  if (!config.redisUrl) {
    const queue = createInProcessAskQueue(pipeline);
    return {
      queue,
      describe: () => 'in-process',
      waiting: async () => 0,
      close: () => queue.close(),
    };
  }
  const bus = openAskJobBus({
    redisUrl: config.redisUrl,
    name: config.askQueue.name,
    jobLockMs: config.askQueue.jobLockMs,
    logger,
  });
  const queue = await createBullAskQueue({
    bus,
    waitTimeoutMs: config.askQueue.waitTimeoutMs,
    workerTimeoutMs: config.askQueue.workerTimeoutMs,
    jobLockMs: config.askQueue.jobLockMs,
    logger,
    onTaken: (seconds) => metrics.queueWaitSeconds.observe(seconds),
  });
  // Admin edits made here reach the workers' snapshots, and theirs (flags) reach this one.
  const stopSharing = await shareKnowledgeChanges({
    bus,
    store: built.store,
    snapshots: built.knowledge,
    logger,
  });
  const worker =
    config.askQueue.concurrency > 0
      ? await startAskWorker({
          bus,
          deps: pipeline,
          concurrency: config.askQueue.concurrency,
          workerTimeoutMs: config.askQueue.workerTimeoutMs,
          stopGraceMs: config.askQueue.stopGraceMs,
          logger,
        })
      : undefined;
  return {
    queue,
    describe: () => ({
      kind: 'redis',
      queue: config.askQueue.name,
      connected: bus.connected(),
      working_here: worker !== undefined,
    }),
    waiting: async () => (bus.connected() ? await bus.jobs.getWaitingCount() : 0),
    readiness: redisReadiness(bus, config.redisUrl),
    async close() {
      await queue.close();
      await worker?.close();
      stopSharing();
      await bus.close();
    },
  };
}
