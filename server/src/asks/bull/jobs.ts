/**
 * What the process that submitted an ask does with its bull job. Only `enqueueJob` rejects;
 * the others answer as if the job were gone when Redis does not answer.
 */
import type { AskControlMessage, AskInput } from '@quarry/shared';
import type { AskJobBus } from './jobBus.js';

/** Longest wait for Redis to take a job before the ask fails instead of hanging. */
const ENQUEUE_TIMEOUT_MS = 5000;

/** Where bull has the job now; undefined when it is gone (done, failed) or Redis is not there. */
export async function jobState(bus: AskJobBus, askId: string): Promise<string | undefined> {
  try {
    const job = await bus.jobs.getJob(askId);
    return job ? await job.getState() : undefined;
  } catch {
    return undefined;
  }
}

/** True when the job was still waiting and is now gone; false when a worker holds it. */
export async function removeWaitingJob(bus: AskJobBus, askId: string): Promise<boolean> {
  try {
    const job = await bus.jobs.getJob(askId);
    if (!job || !(await job.isWaiting())) return false;
    await job.remove();
    return true;
  } catch {
    return false; // locked by a worker that took it meanwhile
  }
}

/** Tells whichever worker runs the ask to stop it. */
export function publishStop(bus: AskJobBus, askId: string): void {
  bus.publish(bus.controlChannel, { type: 'stop', ask_id: askId } satisfies AskControlMessage);
}

/** Whether a worker runs the ask now (for a stop asked of a process that did not submit it). */
export async function jobIsActive(bus: AskJobBus, askId: string): Promise<boolean> {
  const job = await bus.jobs.getJob(askId).catch(() => null);
  return job ? await job.isActive() : false;
}

/** Adds the ask's job, its replies due on this process's channel; rejects when Redis does not take it in time. */
export async function enqueueJob(bus: AskJobBus, input: AskInput): Promise<void> {
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

/** Milliseconds as seconds with one decimal, for messages. */
export const seconds = (ms: number) => Math.round(ms / 100) / 10;
