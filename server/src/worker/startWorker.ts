import { type AskWorker, startAskWorker } from '../asks/bull/askWorker.js';
import { openAskJobBus, redisReadiness } from '../asks/bull/jobBus.js';
import { shareKnowledgeChanges } from '../asks/bull/knowledgeNotices.js';
import { buildPipeline } from '../buildPipeline.js';
import { type Config, ConfigError } from '../config.js';
import { checkReadiness, READY_CHECK_TIMEOUT_MS } from '../http/readiness.js';
import type { Logger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { listenForMonitoring, type MonitoringListener } from './monitoring.js';

export interface RunningWorker {
  id: string;
  /** Where `/metrics` and `/ready` are served (METRICS_PORT); undefined when not. */
  metricsPort: number | undefined;
  /** Finishes the running asks, then closes Redis, the data sources and the app database. */
  close(): Promise<void>;
}

/**
 * The worker's composition root: the same pipeline as the server's (`buildPipeline`), fed
 * from the bull queue instead of clients, with `/metrics` and `/ready` on METRICS_PORT when
 * set. Its metrics are what happens in this process (model calls and tokens, query times);
 * asks, stages and corrections are counted by the server that took the question, from the
 * outcome the worker sends back, so summing every process's series counts each thing once.
 * Throws ConfigError without REDIS_URL or with a concurrency of 0, since such a worker could
 * never take an ask.
 */
export async function startQuarryWorker(
  config: Config,
  logger: Logger,
  options: { demoDatabasePath?: string } = {},
): Promise<RunningWorker> {
  if (!config.redisUrl) {
    throw new ConfigError('Invalid configuration: REDIS_URL must be set for a worker');
  }
  if (config.askQueue.concurrency < 1) {
    throw new ConfigError(
      'Invalid configuration: ASK_WORKER_CONCURRENCY must be at least 1 for a worker',
    );
  }
  const metrics = createMetrics();
  const built = await buildPipeline(config, logger, { ...options, metrics });
  const redisUrl = config.redisUrl;
  const bus = openAskJobBus({
    redisUrl,
    name: config.askQueue.name,
    jobLockMs: config.askQueue.jobLockMs,
    logger,
  });
  let worker: AskWorker | undefined;
  let monitoring: MonitoringListener | undefined;
  let stopSharing: (() => void) | undefined;
  try {
    stopSharing = await shareKnowledgeChanges({
      bus,
      store: built.store,
      snapshots: built.knowledge,
      logger,
    });
    const { metricsPort } = config.askQueue;
    if (metricsPort !== undefined) {
      const checks = [...built.readiness, redisReadiness(bus, redisUrl)];
      monitoring = await listenForMonitoring({
        host: config.host,
        port: metricsPort,
        metrics: async () => ({
          contentType: metrics.registry.contentType,
          text: await metrics.registry.metrics(),
        }),
        ready: () => checkReadiness(checks, READY_CHECK_TIMEOUT_MS),
        logger,
      });
    }
    worker = await startAskWorker({
      bus,
      deps: built.pipeline,
      concurrency: config.askQueue.concurrency,
      workerTimeoutMs: config.askQueue.workerTimeoutMs,
      stopGraceMs: config.askQueue.stopGraceMs,
      logger,
    });
  } catch (error) {
    stopSharing?.();
    await monitoring?.close();
    await bus.close();
    await built.close();
    throw error;
  }
  const running = worker;
  return {
    id: running.id,
    metricsPort: monitoring?.port,
    async close() {
      await running.close();
      stopSharing?.();
      // Scrapes and probes answer while the running asks finish, then stop.
      await monitoring?.close();
      await bus.close();
      await built.close();
    },
  };
}
