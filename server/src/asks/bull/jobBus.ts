import { randomUUID } from 'node:crypto';
import type { AskJobData } from '@quarry/shared';
import Bull from 'bull';
import { Redis } from 'ioredis';
import type { ReadinessCheck } from '../../http/readiness.js';
import type { Logger } from '../../logger.js';
import { redactUrl } from '../../logger.js';

/** Every key and channel of Quarry's queues lives under `quarry:<queue name>:`. */
const PREFIX = 'quarry';
/** How long subscribing or closing waits for Redis before going on without it. */
const REDIS_WAIT_MS = 3000;

/**
 * The Redis side of asks run as bull jobs, shared by a server that enqueues them and the
 * workers that run them: the bull queue, one connection to publish progress and control
 * messages, one to subscribe. Promises: channels are named per queue, so tests and
 * deployments sharing one Redis never hear each other. Leaves out: what a message means.
 */
export interface AskJobBus {
  jobs: Bull.Queue<AskJobData>;
  /** This process's own reply channel: workers publish the progress of its asks there. */
  replyChannel: string;
  /** The channel every worker of the queue listens to for stop requests. */
  controlChannel: string;
  /** The channel every process of the queue hears knowledge change notices on. */
  knowledgeChannel: string;
  /** True while both pub/sub connections are connected. */
  connected(): boolean;
  /** Fire and forget, in order per process; a failure is logged, never thrown. */
  publish(channel: string, message: unknown): void;
  /** Calls `handler` with each message's text on `channel` (resubscribed after reconnects). */
  subscribe(channel: string, handler: (text: string) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the queue `name` on `redisUrl`. Does not wait for Redis: when it is down, the
 * connections keep retrying in the background and `connected()` says so.
 */
export function openAskJobBus(options: {
  redisUrl: string;
  name: string;
  /** bull's lock on a running job (ASK_JOB_LOCK_MS): renewed every half, checked as often. */
  jobLockMs: number;
  logger: Logger;
}): AskJobBus {
  const { redisUrl, name, logger } = options;
  const where = { redis: redactUrl(redisUrl), queue: name };
  const jobs = new Bull<AskJobData>(name, redisUrl, {
    prefix: PREFIX,
    settings: {
      // A worker that dies stops renewing its lock; within about two lock times a surviving
      // worker's stalled-job check puts the ask back on the queue and another worker runs it
      // again (asks only read). Once only: a second stall fails it, so an ask runs at most twice.
      lockDuration: options.jobLockMs,
      lockRenewTime: Math.floor(options.jobLockMs / 2),
      stalledInterval: options.jobLockMs,
      maxStalledCount: 1,
    },
  });
  jobs.on('error', (error) => logger.warn({ ...where, err: error }, 'ask queue: Redis error'));

  // Subscribers need no request retries (bull's rule for blocking connections too).
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  let reported = false;
  for (const connection of [publisher, subscriber]) {
    connection.on('error', (error: Error) => {
      // ioredis repeats the same error at every reconnect attempt; say it once per outage.
      if (reported) return;
      reported = true;
      logger.warn({ ...where, err: error }, 'ask queue: Redis is unreachable; retrying');
    });
    connection.on('ready', () => {
      if (reported) logger.info(where, 'ask queue: Redis is back');
      reported = false;
    });
  }

  const handlers = new Map<string, (text: string) => void>();
  subscriber.on('message', (channel: string, text: string) => handlers.get(channel)?.(text));

  const base = `${PREFIX}:${name}`;
  return {
    jobs,
    replyChannel: `${base}:replies:${randomUUID()}`,
    controlChannel: `${base}:control`,
    knowledgeChannel: `${base}:knowledge`,
    connected: () => publisher.status === 'ready' && subscriber.status === 'ready',
    publish(channel, message) {
      publisher.publish(channel, JSON.stringify(message)).catch((error: unknown) => {
        logger.warn({ ...where, err: error, channel }, 'ask queue: a message was not published');
      });
    },
    async subscribe(channel, handler) {
      handlers.set(channel, handler);
      // With Redis down the command waits for the reconnection; start-up goes on meanwhile.
      const subscribed = subscriber.subscribe(channel).then(() => true);
      const later = new Promise<false>((done) => setTimeout(done, REDIS_WAIT_MS, false).unref());
      if (!(await Promise.race([subscribed, later]))) {
        logger.warn({ ...where, channel }, 'ask queue: will subscribe once Redis is reachable');
      }
    },
    async close() {
      // The worker has already waited out its running asks (its stop grace), so bull is told not
      // to wait for them again: its waiting close forces the blocking connection to reconnect
      // while the job fetch is still pending, and during an outage that reconnection fails with
      // nobody listening (an unhandled rejection). bull's close also first waits for Redis;
      // during an outage, shutting down must not hang.
      const closed = jobs.close(true).then(() => true);
      const gaveUp = new Promise<false>((done) => setTimeout(done, REDIS_WAIT_MS, false).unref());
      if (!(await Promise.race([closed, gaveUp]))) {
        for (const client of jobs.clients) client.disconnect();
      }
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/** `/ready`'s look at the queue's Redis, for a server on Redis and for a worker alike. */
export function redisReadiness(bus: AskJobBus, redisUrl: string): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => {
      if (!bus.connected()) throw new Error(`Redis at ${redactUrl(redisUrl)} is unreachable`);
    },
  };
}
