import type { Logger } from './logger.js';

/**
 * Closes the process on SIGINT or SIGTERM however they come: once, repeated (a second Ctrl-C,
 * npm forwarding what the whole process group already got), or both. The first runs `close`,
 * then exits 0, or 1 when closing failed; later ones are logged and change nothing, so a
 * graceful stop is never cut short. (The handlers stay installed: a process without any would
 * die at the next signal, which is what tsx's and Node's defaults do.) `message` is the log
 * line that says what closing waits for.
 */
export function closeOnSignals(
  logger: Logger,
  close: () => Promise<unknown>,
  message = 'shutting down',
): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.info({ signal }, 'already stopping; the running work is still being finished');
      return;
    }
    closing = true;
    logger.info({ signal }, message);
    close().then(
      () => {
        logger.info({ signal }, 'stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
