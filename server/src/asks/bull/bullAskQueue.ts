import {
  type AskControlMessage,
  type AskEvent,
  type AskInput,
  type AskJobMessage,
  type AskOutcome,
  type ErrorCode,
  seedMessages,
} from '@quarry/shared';
import type { Logger } from '../../logger.js';
import type { AskQueue } from '../askQueue.js';
import type { AskJobBus } from './jobBus.js';
import { parseJobMessage } from './messages.js';

/** Events-mode message of the `restarted` step (text mode sends the seed's frames only). */
export const ASK_RESTARTED_MESSAGE =
  '处理该问题的工作进程已停止，另一个工作进程正在从头重新回答...';

/** Longest wait for Redis to take a job before the ask fails instead of hanging. */
const ENQUEUE_TIMEOUT_MS = 5000;

interface PendingAsk {
  onEvent(event: AskEvent): void;
  resolve(outcome: AskOutcome): void;
  /** A worker has said it runs the ask (or sent anything about it). */
  started: boolean;
  /** An event has reached the client: a failure needs no `received` frame before it. */
  emitted: boolean;
  /** The worker running it, from its `started` message; another one later means a restart. */
  worker: string | undefined;
  /** Its worker went silent while bull still held the job as running: waiting for recovery. */
  recovering: boolean;
  /** When it was submitted, for the queue wait. */
  submittedAt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Asks as bull jobs on Redis: any worker of the queue (`npm run worker`, or this process when
 * it also works) runs them, and their events come back on this process's reply channel in
 * order. Promises beyond `AskQueue`'s: a question no worker takes within `waitTimeoutMs` fails
 * and leaves the queue; an ask whose worker dies is run again by another worker (bull's
 * stalled-job recovery, see jobBus.ts), its client told so by a `restarted` status; a running
 * ask whose worker goes silent for `workerTimeoutMs` and that bull does not hand to another
 * worker within two lock times (Redis dropped, or it died twice) fails; Redis unreachable
 * fails the ask at once. Each such failure is a QUEUE_UNAVAILABLE error event and outcome, so
 * clients see a sentence, never a hang.
 */
export async function createBullAskQueue(options: {
  bus: AskJobBus;
  waitTimeoutMs: number;
  workerTimeoutMs: number;
  /** ASK_JOB_LOCK_MS: how long bull takes to notice a dead worker is about twice this. */
  jobLockMs: number;
  logger: Logger;
  /** Told how long each ask waited before a worker took it, for `/metrics`. */
  onTaken?: (waitSeconds: number) => void;
}): Promise<AskQueue> {
  const { bus, logger } = options;
  const pending = new Map<string, PendingAsk>();

  const rearm = (askId: string, ask: PendingAsk, ms: number, onExpiry: () => void) => {
    clearTimeout(ask.timer);
    ask.timer = setTimeout(() => {
      if (pending.get(askId) === ask) onExpiry();
    }, ms);
  };
  const watchWorker = (askId: string, ask: PendingAsk) =>
    rearm(askId, ask, options.workerTimeoutMs, () => void onWorkerSilent(askId, ask));

  /**
   * The worker said nothing for `workerTimeoutMs`. While bull still has the job, a dead
   * worker's ask goes back to the queue once its lock expires: wait for that (two lock times,
   * once), and for a worker to take it (`waitTimeoutMs`); otherwise the ask is lost: fail it.
   */
  const onWorkerSilent = async (askId: string, ask: PendingAsk) => {
    const state = await jobState(askId);
    if (pending.get(askId) !== ask) return;
    if (state === 'waiting') {
      logger.warn({ askId, worker: ask.worker }, 'ask queue: an ask is back on the queue');
      rearm(askId, ask, options.waitTimeoutMs, () => void onWaitExpired(askId, ask));
      return;
    }
    if (state === 'active' && !ask.recovering) {
      ask.recovering = true;
      rearm(askId, ask, 2 * options.jobLockMs + options.workerTimeoutMs, () => {
        void onWorkerSilent(askId, ask);
      });
      return;
    }
    fail(
      askId,
      'QUEUE_UNAVAILABLE',
      `The worker answering this question stopped responding for ${seconds(options.workerTimeoutMs)} s; ask again.`,
    );
  };

  /** Where bull has the job now; undefined when it is gone (done, failed) or Redis is not there. */
  const jobState = async (askId: string): Promise<string | undefined> => {
    try {
      const job = await bus.jobs.getJob(askId);
      return job ? await job.getState() : undefined;
    } catch {
      return undefined;
    }
  };

  const settle = (askId: string, outcome: AskOutcome) => {
    const ask = pending.get(askId);
    if (!ask) return;
    clearTimeout(ask.timer);
    pending.delete(askId);
    ask.resolve(outcome);
  };

  /** Ends an ask here, and makes sure no worker goes on with it. */
  const fail = (askId: string, code: ErrorCode, message: string) => {
    const ask = pending.get(askId);
    if (!ask) return;
    // Text-mode clients expect the seed's first frame before the exception frame.
    if (!ask.emitted) {
      ask.onEvent({
        type: 'status',
        status: 'understanding',
        step: 'received',
        message: seedMessages.received,
      });
    }
    ask.onEvent({ type: 'error', code, message });
    settle(askId, {
      status: code === 'STOPPED' ? 'stopped' : 'failed',
      errorCode: code,
      error: message,
      timings: {},
    });
    withdraw(askId);
  };

  /** Stops the ask on whichever worker has it, and takes it off the queue if none has. */
  const withdraw = (askId: string) => {
    bus.publish(bus.controlChannel, { type: 'stop', ask_id: askId } satisfies AskControlMessage);
    void removeWaiting(askId);
  };

  /** True when the job was still waiting and is now gone; false when a worker holds it. */
  const removeWaiting = async (askId: string): Promise<boolean> => {
    try {
      const job = await bus.jobs.getJob(askId);
      if (!job || !(await job.isWaiting())) return false;
      await job.remove();
      return true;
    } catch {
      return false; // locked by a worker that took it meanwhile
    }
  };

  const onWaitExpired = async (askId: string, ask: PendingAsk) => {
    if (await removeWaiting(askId)) {
      fail(
        askId,
        'QUEUE_UNAVAILABLE',
        `No Quarry worker took this question within ${seconds(options.waitTimeoutMs)} s: the workers are busy or none is running (start one with \`npm run worker\`).`,
      );
    } else if (pending.get(askId) === ask) {
      // A worker has it and its first message is on the way: watch that worker instead.
      watchWorker(askId, ask);
    }
  };

  await bus.subscribe(bus.replyChannel, (text) => {
    const message = parseJobMessage(text);
    if (!message) {
      logger.warn({ channel: bus.replyChannel }, 'ask queue: ignored a malformed reply message');
      return;
    }
    const ask = pending.get(message.ask_id);
    if (!ask) return; // an ask this process already ended (it timed out or was stopped)
    handleReply(message, ask);
  });

  const handleReply = (message: AskJobMessage, ask: PendingAsk) => {
    if (message.type === 'outcome') {
      settle(message.ask_id, message.outcome);
      return;
    }
    if (!ask.started) options.onTaken?.((performance.now() - ask.submittedAt) / 1000);
    ask.started = true;
    if (message.type === 'started') {
      if (ask.worker !== undefined && ask.worker !== message.worker) {
        logger.warn(
          { askId: message.ask_id, worker: message.worker, previous: ask.worker },
          'ask queue: the worker of an ask stopped; another worker runs it again',
        );
        ask.emitted = true;
        ask.onEvent({
          type: 'status',
          status: 'understanding',
          step: 'restarted',
          message: ASK_RESTARTED_MESSAGE,
        });
      } else {
        logger.debug({ askId: message.ask_id, worker: message.worker }, 'ask taken by a worker');
      }
      ask.worker = message.worker;
      ask.recovering = false;
    }
    watchWorker(message.ask_id, ask);
    if (message.type === 'event') {
      ask.emitted = true;
      ask.onEvent(message.event);
    }
  };

  return {
    submit(input: AskInput, onEvent) {
      let resolve!: (outcome: AskOutcome) => void;
      const done = new Promise<AskOutcome>((settleDone) => {
        resolve = settleDone;
      });
      const askId = input.askId;
      const ask: PendingAsk = {
        onEvent,
        resolve,
        started: false,
        emitted: false,
        worker: undefined,
        recovering: false,
        submittedAt: performance.now(),
        timer: undefined,
      };
      pending.set(askId, ask);
      if (!bus.connected()) {
        fail(askId, 'QUEUE_UNAVAILABLE', 'The ask queue (Redis) is unreachable; try again soon.');
        return { done };
      }
      rearm(askId, ask, options.waitTimeoutMs, () => void onWaitExpired(askId, ask));
      enqueue(input).catch((error: unknown) => {
        logger.warn({ err: error, askId }, 'ask queue: could not enqueue');
        fail(
          askId,
          'QUEUE_UNAVAILABLE',
          `The ask queue (Redis) did not take the question: ${(error as Error).message}`,
        );
      });
      return { done };
    },

    async stop(askId) {
      const ask = pending.get(askId);
      bus.publish(bus.controlChannel, { type: 'stop', ask_id: askId } satisfies AskControlMessage);
      if (await removeWaiting(askId)) {
        fail(askId, 'STOPPED', 'The ask was stopped.');
        return true;
      }
      if (ask) return true;
      // Asked of a server that did not submit it: true when a worker is running it.
      const job = await bus.jobs.getJob(askId).catch(() => null);
      return job ? await job.isActive() : false;
    },

    async close() {
      for (const askId of [...pending.keys()])
        fail(askId, 'STOPPED', 'The server is shutting down.');
    },
  };

  async function enqueue(input: AskInput): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const added = bus.jobs.add(
      { input, reply_to: bus.replyChannel },
      { jobId: input.askId, attempts: 1, removeOnComplete: true, removeOnFail: true },
    );
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from Redis within ${seconds(ENQUEUE_TIMEOUT_MS)} s`)),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([added, timedOut]);
    } catch (error) {
      // A job that lands after all must not run for nobody.
      void added.then((job) => job.remove()).catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
