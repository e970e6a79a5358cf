import type { Logger } from '../logger.js';

/**
 * Tracks whether the app database is reachable as seen by one kind of caller, so an outage is
 * logged once when it starts and once when it ends rather than once per failed read.
 */
export interface OutageLog {
  readonly down: boolean;
  failed(error: unknown, what: string): void;
  succeeded(): void;
}

export function createOutageLog(logger: Logger, messages: { down: string; up: string }): OutageLog {
  let since: number | undefined;
  let failures = 0;
  return {
    get down() {
      return since !== undefined;
    },
    failed(error, what) {
      failures += 1;
      if (since !== undefined) {
        logger.debug({ err: error, what }, messages.down);
        return;
      }
      since = Date.now();
      logger.warn({ err: error, what }, messages.down);
    },
    succeeded() {
      if (since === undefined) return;
      logger.info({ outageMs: Date.now() - since, failures }, messages.up);
      since = undefined;
      failures = 0;
    },
  };
}
