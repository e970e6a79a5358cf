import { toBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createRecentSet } from '../memory.js';
import type { QuarryHttp } from '../quarry/quarryHttp.js';

const DAY = 24 * 60 * 60 * 1000;

/** The server's thread id for a Slack thread: follow-ups in it share the conversation. */
export function threadIdOf(channel: string, threadTs: string): string {
  return `slack:${channel}:${threadTs}`;
}

/**
 * The Slack threads the bot answers in, where a reply is a follow-up without a new mention.
 * Promises: a thread this process answered is known from memory; one answered before a restart
 * or by another instance is known from the server's ask history, looked up once and then
 * remembered; a thread the server has no ask in is not looked up again for a short while, so
 * a busy channel's threads do not reach the server on every message. Leaves out: an answer
 * whose ask never reached the server's history.
 */
export interface FollowedThreads {
  /** The bot answers in this thread, a question `askerId` asked. */
  remember(channel: string, threadTs: string, askerId?: string): void;
  /**
   * Whether this user asked the bot a question in the thread (as far as this process saw: after
   * a restart, until they ask again, the server's intent stage decides for them too).
   */
  isAsker(channel: string, threadTs: string, userId: string): boolean;
  /**
   * Whether a reply in the thread is a follow-up. Never throws: when the server cannot say, the
   * answer is false (the reply goes unanswered) with a warning in the log, and nothing is kept,
   * so the next reply asks again.
   */
  isFollowed(channel: string, threadTs: string): Promise<boolean>;
  /**
   * The bot was mentioned in the thread, so an answer is on its way from this instance or
   * another: an earlier "no ask in this thread" from the server no longer holds.
   */
  forgetNotFollowed(channel: string, threadTs: string): void;
}

export function createFollowedThreads(options: {
  quarry: Pick<QuarryHttp, 'threadAskCount'>;
  logger: Logger;
  /** How long the server's "no ask in this thread" is believed; default 30 s. */
  notFollowedTtlMs?: number;
  now?: () => number;
}): FollowedThreads {
  const now = options.now ?? Date.now;
  const followed = createRecentSet({ limit: 50_000, ttlMs: 30 * DAY, now });
  const notFollowed = createRecentSet({
    limit: 20_000,
    ttlMs: options.notFollowedTtlMs ?? 30_000,
    now,
  });
  const askers = createRecentSet({ limit: 50_000, ttlMs: 30 * DAY, now });
  // Replies arriving together in one unknown thread share one lookup.
  const lookups = new Map<string, Promise<boolean>>();
  const keyOf = (channel: string, threadTs: string) => `${channel}:${threadTs}`;

  const lookUp = async (channel: string, threadTs: string, key: string): Promise<boolean> => {
    try {
      const asks = await options.quarry.threadAskCount(threadIdOf(channel, threadTs));
      if (asks > 0) followed.add(key);
      else notFollowed.add(key);
      return asks > 0;
    } catch (error) {
      options.logger.warn(
        { err: toBotError(error), channel, thread: threadTs },
        'could not ask the Quarry server about a thread; the reply there is not answered',
      );
      return false;
    }
  };

  return {
    remember(channel, threadTs, askerId) {
      followed.add(keyOf(channel, threadTs));
      if (askerId) askers.add(`${keyOf(channel, threadTs)}:${askerId}`);
    },
    isAsker(channel, threadTs, userId) {
      return askers.has(`${keyOf(channel, threadTs)}:${userId}`);
    },
    isFollowed(channel, threadTs) {
      const key = keyOf(channel, threadTs);
      if (followed.has(key)) return Promise.resolve(true);
      if (notFollowed.has(key)) return Promise.resolve(false);
      let lookup = lookups.get(key);
      if (lookup === undefined) {
        lookup = lookUp(channel, threadTs, key).finally(() => lookups.delete(key));
        lookups.set(key, lookup);
      }
      return lookup;
    },
    forgetNotFollowed(channel, threadTs) {
      notFollowed.delete(keyOf(channel, threadTs));
    },
  };
}
