import { toBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createRecentMap, createRecentSet } from '../memory.js';
import type { SlackOps } from './slackOps.js';

/** The server's limit on a query frame's `user_name`, in UTF-16 code units (zod's count). */
const MAX_NAME_LENGTH = 256;
/** Refusals that hold for every user until the app is reinstalled with `users:read`. */
const APP_REFUSALS = new Set(['missing_scope', 'not_allowed_token_type', 'no_permission']);

/**
 * Askers' names for the ask history, where a Slack user id alone means nothing to an admin.
 * Promises: `nameOf` never throws and settles within the time limit, so a question waits at
 * most that long for its asker's name; Slack is asked about a user at most once per cache
 * period (a lookup in flight is shared). Leaves out: telling anyone when there is no name —
 * the ask is then recorded with the id only.
 */
export interface UserNames {
  nameOf(userId: string): Promise<string | undefined>;
}

export interface UserNamesOptions {
  slack: Pick<SlackOps, 'userName'>;
  logger: Logger;
  /** Longest wait for Slack before a question goes on without the name (default 1.5 s). */
  timeoutMs?: number;
  /** How long a name is believed (default an hour: people rarely rename themselves). */
  ttlMs?: number;
  /** How long a failed lookup is not repeated, for that user or, on a refusal, anyone (default 5 min). */
  retryAfterFailureMs?: number;
  /** Names kept at most (default 5,000). */
  limit?: number;
  now?: () => number;
}

export function createUserNames(options: UserNamesOptions): UserNames {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 1500;
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 5 * 60 * 1000;
  const limit = options.limit ?? 5000;
  const names = createRecentMap<string>(limit, { ttlMs, now });
  const misses = createRecentSet({ limit, ttlMs: retryAfterFailureMs, now });
  const inFlight = new Map<string, Promise<string | undefined>>();
  let pausedUntil = 0;
  let refusalReported = false;

  const failed = (userId: string, thrown: unknown) => {
    const error = toBotError(thrown);
    if (error.code === 'SLACK_RATE_LIMITED') {
      pausedUntil = now() + (error.retryAfterMs ?? 1000);
      options.logger.debug({ err: error }, 'users.info is rate limited; asks go on without names');
      return;
    }
    if (error.slackError !== undefined && APP_REFUSALS.has(error.slackError)) {
      pausedUntil = now() + retryAfterFailureMs;
      // Once per process: it is a setting to fix, not an event worth a line per question.
      if (!refusalReported) {
        refusalReported = true;
        options.logger.info(
          { slackError: error.slackError },
          'Slack refused users.info: asks are recorded with Slack user ids only; add the users:read scope to record names',
        );
      }
      return;
    }
    misses.add(userId);
    options.logger.debug(
      { err: error, user: userId },
      "could not look up the asker's name; recording the id only",
    );
  };

  const lookUp = (userId: string): Promise<string | undefined> => {
    const pending = options.slack
      .userName(userId)
      .then(
        (found) => {
          const name = found === undefined ? undefined : fitName(found);
          if (name) names.set(userId, name);
          else misses.add(userId);
          return name || undefined;
        },
        (thrown: unknown) => {
          failed(userId, thrown);
          return undefined;
        },
      )
      .finally(() => inFlight.delete(userId));
    inFlight.set(userId, pending);
    return pending;
  };

  return {
    async nameOf(userId) {
      const known = names.get(userId);
      if (known !== undefined) return known;
      if (misses.has(userId) || now() < pausedUntil) return undefined;
      const pending = inFlight.get(userId) ?? lookUp(userId);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => {
          // The lookup goes on and fills the cache for the next question.
          options.logger.debug(
            { user: userId, timeoutMs },
            'users.info is slow; asking without the name',
          );
          resolve(undefined);
        }, timeoutMs);
      });
      try {
        return await Promise.race([pending, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The name within the server's length limit, never ending in half a surrogate pair. */
function fitName(name: string): string {
  const cut = name.trim().slice(0, MAX_NAME_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
