import { setTimeout as sleep } from 'node:timers/promises';
import { isQuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AskInput, AskOutcome } from '../pipeline/types.js';
import type { AskHistory } from './askService.js';
import type { AskHistoryStore, AskHistoryWrite } from './history.js';
import { createOutageLog } from './outage.js';

interface PendingWrite {
  askId: string;
  write: AskHistoryWrite;
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
/** Writes per transaction at most: a backlog after an outage goes in a few large batches. */
const MAX_BATCH = 500;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;
const CLOSE_TIMEOUT_MS = 3000;

/**
 * Ask-history writes off the ask's path, and surviving an app database outage. Promises:
 * `recordStart` and `recordOutcome` return at once; the writes made in one tick (and those made
 * while the previous batch was being written) reach the store together, in one transaction, in
 * the order they were made; while it is unreachable the batch is retried with back-off; a batch
 * the store refuses while it answers other reads is written again one write at a time, so only the
 * write at fault is given up. At most `limit` writes wait; one that does not fit, is refused for
 * good, or is still waiting when the process stops is logged at error level with its ask id, never
 * dropped silently. Each ask's row is stamped with the time it was asked, strictly later than the
 * previous ask's (by a millisecond when two share one), so the history lists asks in the order
 * they came. Leaves out: surviving a crash (waiting writes are in memory).
 */
export function createQueuedAskHistory(
  store: AskHistoryStore,
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
  let lastAskedAt = 0;

  const lost = (writes: PendingWrite[], reason: string, err?: unknown) => {
    if (writes.length === 0) return;
    deps.logger.error(
      { err, askIds: [...new Set(writes.map((w) => w.askId))], writes: writes.length },
      `ask history lost: ${reason}`,
    );
  };
  const refusedBy = (write: PendingWrite) =>
    `the app database refused the ${write.write.kind} of an ask`;

  async function storeAnswers(): Promise<boolean> {
    try {
      await deps.storeAnswers();
      return true;
    } catch {
      return false;
    }
  }

  async function drain(): Promise<void> {
    // Let the rest of this tick's writes join the first batch.
    await new Promise((settle) => setImmediate(settle));
    let delay = FIRST_RETRY_MS;
    /** Writes still to be written one at a time, after their batch was refused. */
    let isolating = 0;
    while (queue.length > 0 && !closed) {
      const size = isolating > 0 ? 1 : Math.min(queue.length, MAX_BATCH);
      const batch = queue.slice(0, size);
      try {
        const { refused } = await store.write(batch.map((pending) => pending.write));
        queue.splice(0, size);
        isolating = Math.max(0, isolating - size);
        outage.succeeded();
        delay = FIRST_RETRY_MS;
        // An outcome of an ask the history does not hold (deleted, or its start was lost).
        for (const index of refused) {
          const pending = batch[index];
          if (pending) lost([pending], refusedBy(pending));
        }
        continue;
      } catch (error) {
        if (closed) return;
        // A coded error (an ask that no longer exists) will not change by retrying.
        const coded = isQuarryError(error);
        if (coded || (await storeAnswers())) {
          if (size > 1) {
            isolating = size;
            continue;
          }
          const head = batch[0] as PendingWrite;
          if (coded || ++head.rejections >= MAX_REJECTIONS) {
            queue.shift();
            isolating = Math.max(0, isolating - 1);
            lost([head], refusedBy(head), error);
            continue;
          }
        } else {
          const head = batch[0] as PendingWrite;
          outage.failed(error, `${size} writes, from the ${head.write.kind} of ask ${head.askId}`);
        }
      }
      await sleep(delay, undefined, { signal: wakeUp.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  function enqueue(pending: PendingWrite): Promise<void> {
    if (closed) {
      lost([pending], 'the server was stopping');
      return Promise.resolve();
    }
    if (queue.length >= deps.limit) {
      lost([pending], `${deps.limit} writes were already waiting for the app database`);
      return Promise.resolve();
    }
    queue.push(pending);
    draining ??= drain().finally(() => {
      draining = undefined;
    });
    return Promise.resolve();
  }

  return {
    recordStart: (input: AskInput) => {
      lastAskedAt = Math.max(Date.now(), lastAskedAt + 1);
      return enqueue({
        askId: input.askId,
        write: { kind: 'start', input, at: new Date(lastAskedAt) },
        rejections: 0,
      });
    },
    recordOutcome: (askId: string, outcome: AskOutcome) =>
      enqueue({
        askId,
        write: { kind: 'outcome', askId, outcome, at: new Date() },
        rejections: 0,
      }),
    find: (askId) => store.find(askId),
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
