import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { closeOnSignals } from '../shutdown.js';
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
  closeOnSignals(
    logger,
    () => worker.close(),
    `worker ${worker.id}: finishing the running asks, then stopping`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    error instanceof ConfigError ? `${message}\n` : `Quarry worker could not start: ${message}\n`,
  );
  process.exit(1);
});
