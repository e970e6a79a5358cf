import { setTimeout as sleep } from 'node:timers/promises';
import { isQuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AskInput, AskOutcome } from '../pipeline/types.js';
import type { AskHistory } from './askService.js';
import { createOutageLog } from './outage.js';

interface PendingWrite {
  askId: string;
  kind: 'start' | 'outcome';
  write: () => Promise<void>;
  /** Failures while the store answered other reads: the write itself is at fault. */
  rejections: number;
}

export interface QueuedAskHistory extends AskHistory {
  /** Writes waiting for the store. */
  pending(): number;
  /**
   * Waits up to `timeoutMs` for waiting writes, then logs the ones still waiting as lost (at
   * error level, with their ask ids) and refuses further writes the same way.
   */
  close(timeoutMs?: number): Promise<void>;
}

/** A write the store rejects this often while it answers other reads is dropped (and logged). */
const MAX_REJECTIONS = 3;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;
const CLOSE_TIMEOUT_MS = 3000;

/**
 * Ask-history writes that survive an app database outage. Promises: `recordStart` and
 * `recordOutcome` return at once; writes reach the store in the order they were made, retried
 * with back-off while it is unreachable; at most `limit` wait, and a write that does not fit,
 * is refused for good, or is still waiting when the process stops is logged at error level with
 * its ask id, never dropped silently. Leaves out: surviving a crash (waiting writes are in memory).
 */
export function createQueuedAskHistory(
  inner: AskHistory,
  deps: {
    logger: Logger;
    limit: number;
    /** A cheap read that tells an outage from a write the store refuses. */
    storeAnswers: () => Promise<unknown>;
  },
): QueuedAskHistory {
  const queue: PendingWrite[] = [];
  const outage = createOutageLog(deps.logger, {
    down: 'ask history: the app database is unreachable; writes are queued and retried',
    up: 'ask history: the app database is reachable again; queued writes are being written',
  });
  let draining: Promise<void> | undefined;
  let closed = false;
  let wakeUp = new AbortController();

  const lost = (writes: PendingWrite[], reason: string, err?: unknown) => {
    if (writes.length === 0) return;
    deps.logger.error(
      { err, askIds: [...new Set(writes.map((w) => w.askId))], writes: writes.length },
      `ask history lost: ${reason}`,
    );
  };

  async function storeAnswers(): Promise<boolean> {
    try {
      await deps.storeAnswers();
      return true;
    } catch {
      return false;
    }
  }

  async function drain(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (queue.length > 0 && !closed) {
      const head = queue[0] as PendingWrite;
      try {
        await head.write();
        queue.shift();
        outage.succeeded();
        delay = FIRST_RETRY_MS;
        continue;
      } catch (error) {
        if (closed) return;
        // A coded error (an ask that no longer exists) will not change by retrying.
        const refused =
          isQuarryError(error) || ((await storeAnswers()) && ++head.rejections >= MAX_REJECTIONS);
        if (refused) {
          queue.shift();
          lost([head], `the app database refused the ${head.kind} of an ask`, error);
          continue;
        }
        outage.failed(error, `${head.kind} of ask ${head.askId}`);
      }
      await sleep(delay, undefined, { signal: wakeUp.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  function enqueue(write: PendingWrite): Promise<void> {
    if (closed) {
      lost([write], 'the server was stopping');
      return Promise.resolve();
    }
    if (queue.length >= deps.limit) {
      lost([write], `${deps.limit} writes were already waiting for the app database`);
      return Promise.resolve();
    }
    queue.push(write);
    draining ??= drain().finally(() => {
      draining = undefined;
    });
    return Promise.resolve();
  }

  return {
    recordStart: (input: AskInput) =>
      enqueue({
        askId: input.askId,
        kind: 'start',
        write: () => inner.recordStart(input),
        rejections: 0,
      }),
    recordOutcome: (askId: string, outcome: AskOutcome) =>
      enqueue({
        askId,
        kind: 'outcome',
        write: () => inner.recordOutcome(askId, outcome),
        rejections: 0,
      }),
    find: (askId) => inner.find(askId),
    pending: () => queue.length,
    async close(timeoutMs = CLOSE_TIMEOUT_MS) {
      if (closed) return;
      // Retry at once rather than after the current back-off, then give it `timeoutMs`.
      wakeUp.abort();
      wakeUp = new AbortController();
      const deadline = sleep(timeoutMs, undefined, { ref: false });
      while (draining && queue.length > 0) {
        const finished = await Promise.race([
          draining.then(() => true),
          deadline.then(() => false),
        ]);
        if (!finished) break;
      }
      closed = true;
      wakeUp.abort();
      lost(queue.splice(0), 'the server stopped before the app database could take them');
    },
  };
}
