import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startQuarryWorker } from './startWorker.js';

/** `npm run worker`: takes asks from the Redis queue of REDIS_URL until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'quarry-worker');
  if (!config.llm.apiKey && !config.llm.baseUrl) {
    logger.warn(
      'No language model is configured: asks will fail until OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint) is set.',
    );
  }
  const worker = await startQuarryWorker(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal, worker: worker.id }, 'finishing the running asks, then stopping');
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    error instanceof ConfigError ? `${message}\n` : `Quarry worker could not start: ${message}\n`,
  );
  process.exit(1);
});
