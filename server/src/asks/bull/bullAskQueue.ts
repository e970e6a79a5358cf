import {
  type AskEvent,
  type AskInput,
  type AskJobMessage,
  type AskOutcome,
  type ErrorCode,
  questionLanguage,
  statusOfError,
  stepEvent,
} from '@quarry/shared';
import type { Logger } from '../../logger.js';
import type { AskQueue } from '../askQueue.js';
import type { AskJobBus } from './jobBus.js';
import {
  enqueueJob,
  jobIsActive,
  jobState,
  publishStop,
  removeWaitingJob,
  seconds,
} from './jobs.js';
import { parseJobMessage } from './messages.js';

interface PendingAsk {
  onEvent(event: AskEvent): void;
  /** The question's language, for the steps this queue reports itself. */
  language: 'zh' | 'en';
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

export interface BullAskQueueOptions {
  bus: AskJobBus;
  waitTimeoutMs: number;
  workerTimeoutMs: number;
  /** ASK_JOB_LOCK_MS: how long bull takes to notice a dead worker is about twice this. */
  jobLockMs: number;
  logger: Logger;
  /** Told how long each ask waited before a worker took it, for `/metrics`. */
  onTaken?: (waitSeconds: number) => void;
}

/** The asks this process submitted and has not settled, with what the pieces below share. */
interface Submitted {
  options: BullAskQueueOptions;
  pending: Map<string, PendingAsk>;
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
export async function createBullAskQueue(options: BullAskQueueOptions): Promise<AskQueue> {
  const { bus, logger } = options;
  const submitted: Submitted = { options, pending: new Map() };
  await bus.subscribe(bus.replyChannel, (text) => {
    const message = parseJobMessage(text);
    if (!message) {
      logger.warn({ channel: bus.replyChannel }, 'ask queue: ignored a malformed reply message');
      return;
    }
    const ask = submitted.pending.get(message.ask_id);
    if (!ask) return; // an ask this process already ended (it timed out or was stopped)
    handleReply(submitted, message, ask);
  });
  return {
    submit: (input, onEvent) => submit(submitted, input, onEvent),
    stop: (askId) => stop(submitted, askId),
    async close() {
      for (const askId of [...submitted.pending.keys()]) {
        fail(submitted, askId, 'STOPPED', 'The server is shutting down.');
      }
    },
  };
}

/** Queues the ask's job; it fails at once, as an outcome, when Redis is not there. */
function submit(
  submitted: Submitted,
  input: AskInput,
  onEvent: (event: AskEvent) => void,
): { done: Promise<AskOutcome> } {
  const { bus, logger } = submitted.options;
  let resolve!: (outcome: AskOutcome) => void;
  const done = new Promise<AskOutcome>((settleDone) => {
    resolve = settleDone;
  });
  const askId = input.askId;
  const ask: PendingAsk = {
    onEvent,
    language: questionLanguage(input.question),
    resolve,
    started: false,
    emitted: false,
    worker: undefined,
    recovering: false,
    submittedAt: performance.now(),
    timer: undefined,
  };
  submitted.pending.set(askId, ask);
  if (!bus.connected()) {
    fail(
      submitted,
      askId,
      'QUEUE_UNAVAILABLE',
      'The ask queue (Redis) is unreachable; try again soon.',
    );
    return { done };
  }
  waitForWorker(submitted, askId, ask);
  enqueueJob(bus, input).catch((error: unknown) => {
    logger.warn({ err: error, askId }, 'ask queue: could not enqueue');
    fail(
      submitted,
      askId,
      'QUEUE_UNAVAILABLE',
      `The ask queue (Redis) did not take the question: ${(error as Error).message}`,
    );
  });
  return { done };
}

/** Stops an ask wherever it is: on a worker, still on the queue, or on another server's. */
async function stop(submitted: Submitted, askId: string): Promise<boolean> {
  const { bus } = submitted.options;
  const ask = submitted.pending.get(askId);
  publishStop(bus, askId);
  if (await removeWaitingJob(bus, askId)) {
    fail(submitted, askId, 'STOPPED', 'The ask was stopped.');
    return true;
  }
  if (ask) return true;
  // Asked of a server that did not submit it: true when a worker is running it.
  return jobIsActive(bus, askId);
}

/** What a worker said about an ask: it took it (again), an event, or its outcome. */
function handleReply(submitted: Submitted, message: AskJobMessage, ask: PendingAsk): void {
  const { logger, onTaken } = submitted.options;
  if (message.type === 'outcome') {
    settle(submitted, message.ask_id, message.outcome);
    return;
  }
  if (!ask.started) onTaken?.((performance.now() - ask.submittedAt) / 1000);
  ask.started = true;
  if (message.type === 'started') {
    if (ask.worker !== undefined && ask.worker !== message.worker) {
      logger.warn(
        { askId: message.ask_id, worker: message.worker, previous: ask.worker },
        'ask queue: the worker of an ask stopped; another worker runs it again',
      );
      ask.emitted = true;
      ask.onEvent(stepEvent('restarted', ask.language));
    } else {
      logger.debug({ askId: message.ask_id, worker: message.worker }, 'ask taken by a worker');
    }
    ask.worker = message.worker;
    ask.recovering = false;
  }
  watchWorker(submitted, message.ask_id, ask);
  if (message.type === 'event') {
    ask.emitted = true;
    ask.onEvent(message.event);
  }
}

/** Runs `onExpiry` after `ms` unless the ask settles or is re-armed first. */
function arm(
  submitted: Submitted,
  askId: string,
  ask: PendingAsk,
  ms: number,
  onExpiry: () => void,
): void {
  clearTimeout(ask.timer);
  ask.timer = setTimeout(() => {
    if (submitted.pending.get(askId) === ask) onExpiry();
  }, ms);
}

/** Gives a worker `waitTimeoutMs` to take the ask off the queue. */
function waitForWorker(submitted: Submitted, askId: string, ask: PendingAsk): void {
  arm(submitted, askId, ask, submitted.options.waitTimeoutMs, () => {
    void onWaitExpired(submitted, askId, ask);
  });
}

/** Gives the ask's worker `workerTimeoutMs` to say something. */
function watchWorker(submitted: Submitted, askId: string, ask: PendingAsk): void {
  arm(submitted, askId, ask, submitted.options.workerTimeoutMs, () => {
    void onWorkerSilent(submitted, askId, ask);
  });
}

/** No worker took the ask in time: off the queue and failed, unless one took it just now. */
async function onWaitExpired(submitted: Submitted, askId: string, ask: PendingAsk): Promise<void> {
  if (await removeWaitingJob(submitted.options.bus, askId)) {
    fail(
      submitted,
      askId,
      'QUEUE_UNAVAILABLE',
      `No Quarry worker took this question within ${seconds(submitted.options.waitTimeoutMs)} s: the workers are busy or none is running (start one with \`npm run worker\`).`,
    );
  } else if (submitted.pending.get(askId) === ask) {
    // A worker has it and its first message is on the way: watch that worker instead.
    watchWorker(submitted, askId, ask);
  }
}

/**
 * The worker said nothing for `workerTimeoutMs`. While bull still has the job, a dead
 * worker's ask goes back to the queue once its lock expires: wait for that (two lock times,
 * once), and for a worker to take it (`waitTimeoutMs`); otherwise the ask is lost: fail it.
 */
async function onWorkerSilent(submitted: Submitted, askId: string, ask: PendingAsk): Promise<void> {
  const { bus, logger, jobLockMs, workerTimeoutMs } = submitted.options;
  const state = await jobState(bus, askId);
  if (submitted.pending.get(askId) !== ask) return;
  if (state === 'waiting') {
    logger.warn({ askId, worker: ask.worker }, 'ask queue: an ask is back on the queue');
    waitForWorker(submitted, askId, ask);
    return;
  }
  if (state === 'active' && !ask.recovering) {
    ask.recovering = true;
    arm(submitted, askId, ask, 2 * jobLockMs + workerTimeoutMs, () => {
      void onWorkerSilent(submitted, askId, ask);
    });
    return;
  }
  fail(
    submitted,
    askId,
    'QUEUE_UNAVAILABLE',
    `The worker answering this question stopped responding for ${seconds(workerTimeoutMs)} s; ask again.`,
  );
}

function settle(submitted: Submitted, askId: string, outcome: AskOutcome): void {
  const ask = submitted.pending.get(askId);
  if (!ask) return;
  clearTimeout(ask.timer);
  submitted.pending.delete(askId);
  ask.resolve(outcome);
}

/** Ends an ask here, and makes sure no worker goes on with it. */
function fail(submitted: Submitted, askId: string, code: ErrorCode, message: string): void {
  const ask = submitted.pending.get(askId);
  if (!ask) return;
  // Text-mode clients expect the seed's first frame before the exception frame.
  if (!ask.emitted) {
    ask.onEvent(stepEvent('received', ask.language));
  }
  ask.onEvent({ type: 'error', code, message });
  settle(submitted, askId, {
    status: statusOfError(code),
    errorCode: code,
    error: message,
    timings: {},
  });
  // Stops the ask on whichever worker has it, and takes it off the queue if none has.
  const { bus } = submitted.options;
  publishStop(bus, askId);
  void removeWaitingJob(bus, askId);
}
