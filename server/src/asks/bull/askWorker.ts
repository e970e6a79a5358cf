import { hostname } from 'node:os';
import type { AskJobMessage } from '@quarry/shared';
import type { Job } from 'bull';
import type { Logger } from '../../logger.js';
import { runAsk } from '../../pipeline/orchestrator.js';
import type { PipelineDeps } from '../../pipeline/types.js';
import type { AskJobBus } from './jobBus.js';
import { checkJobData, parseControlMessage } from './messages.js';

/** Stop requests remembered for asks not (yet) running here: a stop may beat its job. */
const REMEMBERED_STOPS = 1000;

export interface AskWorker {
  /** `host:pid`, as the ask's `started` message and the logs name it. */
  id: string;
  /**
   * Takes no new asks and waits `stopGraceMs` for the running ones to end; those still running
   * then are handed back to the queue (their locks released) for another worker to run.
   */
  close(): Promise<void>;
}

/**
 * Runs asks from the bull queue, `concurrency` at a time, with the same pipeline as the
 * in-process queue. Promises: each ask's events go to the submitting server's reply channel
 * in order, with a heartbeat at least every third of `workerTimeoutMs` while the ask runs,
 * and its outcome last; a stop from any server aborts the ask's model call and query; closing
 * never loses an ask: it finishes, or goes back to the queue.
 */
export async function startAskWorker(options: {
  bus: AskJobBus;
  deps: PipelineDeps;
  concurrency: number;
  workerTimeoutMs: number;
  /** How long closing waits for running asks before handing them back. */
  stopGraceMs: number;
  logger: Logger;
}): Promise<AskWorker> {
  const { bus, deps, logger } = options;
  const id = `${hostname()}:${process.pid}`;
  const running = new Map<string, AbortController>();
  const jobs = new Map<string, Job>();
  /** Set once the running asks are handed back: nothing more is said about them. */
  let handedBack = false;
  const stopped = new Set<string>();

  await bus.subscribe(bus.controlChannel, (text) => {
    const message = parseControlMessage(text);
    if (!message) {
      logger.warn(
        { channel: bus.controlChannel },
        'ask worker: ignored a malformed control message',
      );
      return;
    }
    const controller = running.get(message.ask_id);
    if (controller) {
      controller.abort();
      return;
    }
    stopped.add(message.ask_id);
    if (stopped.size > REMEMBERED_STOPS) stopped.delete(stopped.values().next().value as string);
  });

  const handle = async (job: Job): Promise<void> => {
    const data = checkJobData(job.data);
    if (!data) {
      logger.error({ jobId: job.id }, 'ask worker: dropped a job without a valid ask');
      return;
    }
    const { input, reply_to: replyTo } = data;
    const askId = input.askId;
    const send = (message: AskJobMessage) => {
      if (!handedBack) bus.publish(replyTo, message);
    };
    const controller = new AbortController();
    if (stopped.delete(askId)) controller.abort();
    running.set(askId, controller);
    jobs.set(askId, job);
    send({ type: 'started', ask_id: askId, worker: id });
    const heartbeat = setInterval(
      () => send({ type: 'heartbeat', ask_id: askId }),
      Math.max(500, Math.floor(options.workerTimeoutMs / 3)),
    );
    try {
      const outcome = await runAsk(
        deps,
        input,
        (event) => send({ type: 'event', ask_id: askId, event }),
        controller.signal,
      );
      send({ type: 'outcome', ask_id: askId, outcome });
      logger.info({ askId, status: outcome.status, worker: id }, 'ask worker: ask done');
    } finally {
      clearInterval(heartbeat);
      running.delete(askId);
      jobs.delete(askId);
    }
  };

  // bull's process() resolves only when the queue closes: start it, don't wait for it.
  bus.jobs.process(options.concurrency, handle).catch((error: unknown) => {
    logger.error({ err: error }, 'ask worker: the queue stopped processing');
  });
  logger.info({ worker: id, concurrency: options.concurrency }, 'ask worker: taking asks');

  return {
    id,
    async close() {
      // A local pause takes nothing new and resolves once the running asks have ended; with
      // Redis down nothing new can come, so only the running asks are waited for.
      if (bus.connected()) {
        // Redis may go away between the check and the pause; stopping goes on regardless.
        await bus.jobs.pause(true, true).catch((error: unknown) => {
          logger.warn({ worker: id, err: error }, 'ask worker: could not pause taking asks');
        });
      }
      const deadline = Date.now() + options.stopGraceMs;
      while (running.size > 0 && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 50));
      }
      if (running.size === 0) return;
      // Out of time: give the asks back. With its lock released, the next stalled-job check
      // of any worker puts each job back on the queue, and another worker runs it again.
      handedBack = true;
      const askIds = [...jobs.keys()];
      logger.warn(
        { worker: id, askIds, graceMs: options.stopGraceMs },
        'ask worker: running asks did not finish in time; handing them back to the queue',
      );
      await Promise.all(
        [...jobs.values()].map((job) =>
          job.releaseLock().catch((error: unknown) => {
            logger.warn({ err: error, jobId: job.id }, 'ask worker: could not release a job');
          }),
        ),
      );
    },
  };
}
