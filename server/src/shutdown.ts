import type { Logger } from './logger.js';

/**
 * Closes the process on the first SIGINT or SIGTERM: runs `close`, then exits 0, or 1 when
 * closing failed. `message` is the log line that says what closing waits for.
 */
export function closeOnSignals(
  logger: Logger,
  close: () => Promise<unknown>,
  message = 'shutting down',
): void {
  const shutdown = (signal: string) => {
    logger.info({ signal }, message);
    close().then(
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
