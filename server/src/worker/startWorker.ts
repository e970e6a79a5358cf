import { type AskWorker, startAskWorker } from '../asks/bull/askWorker.js';
import { openAskJobBus } from '../asks/bull/jobBus.js';
import { buildPipeline } from '../buildPipeline.js';
import { type Config, ConfigError } from '../config.js';
import type { Logger } from '../logger.js';

export interface RunningWorker {
  id: string;
  /** Finishes the running asks, then closes Redis, the data sources and the app database. */
  close(): Promise<void>;
}

/**
 * The worker's composition root: the same pipeline as the server's (`buildPipeline`), fed
 * from the bull queue instead of clients. Throws ConfigError without REDIS_URL or with a
 * concurrency of 0, since such a worker could never take an ask.
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
  const built = await buildPipeline(config, logger, options);
  const bus = openAskJobBus({
    redisUrl: config.redisUrl,
    name: config.askQueue.name,
    jobLockMs: config.askQueue.jobLockMs,
    logger,
  });
  let worker: AskWorker;
  try {
    worker = await startAskWorker({
      bus,
      deps: built.pipeline,
      concurrency: config.askQueue.concurrency,
      workerTimeoutMs: config.askQueue.workerTimeoutMs,
      stopGraceMs: config.askQueue.stopGraceMs,
      logger,
    });
  } catch (error) {
    await bus.close();
    await built.close();
    throw error;
  }
  return {
    id: worker.id,
    async close() {
      await worker.close();
      await bus.close();
      await built.close();
    },
  };
}
