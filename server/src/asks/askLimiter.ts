import { createHash } from 'node:crypto';

/**
 * Counts the asks each asker has accepted and not yet answered, across every connection and
 * the HTTP API, so one user cannot take all the model and database capacity. Promises:
 * `tryAcquire` never waits; the release it returns may be called any number of times.
 * Leaves out: how askers are identified (see `askerKey`).
 */
export interface AskLimiter {
  readonly maxPerAsker: number;
  /** A release function, or undefined when the asker already has `maxPerAsker` asks running. */
  tryAcquire(asker: string): (() => void) | undefined;
}

export function createAskLimiter(maxPerAsker: number): AskLimiter {
  const running = new Map<string, number>();
  return {
    maxPerAsker,
    tryAcquire(asker) {
      const count = running.get(asker) ?? 0;
      if (count >= maxPerAsker) return undefined;
      running.set(asker, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (running.get(asker) ?? 1) - 1;
        // Deleting at zero keeps the map as small as the set of askers with asks running.
        if (left <= 0) running.delete(asker);
        else running.set(asker, left);
      };
    },
  };
}

/** What `askerKey` tells askers apart by. */
export interface Asker {
  user?: string | undefined;
  token?: string | undefined;
  remoteAddress?: string | undefined;
}

/**
 * Who is asking: the user a client names (the bot names the Slack user), else the API token,
 * else the remote address. The token is hashed so the limiter never holds a secret.
 */
export function askerKey(who: Asker): string {
  if (who.user) return `user:${who.user}`;
  if (who.token)
    return `token:${createHash('sha256').update(who.token).digest('hex').slice(0, 16)}`;
  return `address:${who.remoteAddress ?? 'unknown'}`;
}

/**
 * A place for one more ask of `who`, for `/ws` and `/v1/asks` alike: its release (call it when
 * the ask ends), or the RATE_LIMITED sentence when they are at the limit. Without a limiter
 * there is always a place.
 */
export function acquireAsker(
  limiter: AskLimiter | undefined,
  who: Asker,
): { ok: true; release: () => void } | { ok: false; refusal: string } {
  if (!limiter) return { ok: true, release: () => undefined };
  const release = limiter.tryAcquire(askerKey(who));
  return release
    ? { ok: true, release }
    : { ok: false, refusal: askerLimitMessage(limiter.maxPerAsker) };
}

/** The refusal message when an asker is at the limit. */
function askerLimitMessage(max: number): string {
  return `At most ${max} questions may run at once for one user; wait for an answer first.`;
}
