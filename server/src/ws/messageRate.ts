/**
 * The message-rate guard of one WebSocket connection: a token bucket (`perSecond` refill,
 * `burst` capacity), plus a count of messages refused in a row, so a client that keeps
 * flooding long after being told to slow down can be disconnected instead of being answered
 * one error frame per message forever.
 */
export interface MessageRate {
  /** 'accept', 'refuse' (send RATE_LIMITED, keep the connection) or 'close' (a flood). */
  admit(): 'accept' | 'refuse' | 'close';
}

export function createMessageRate(
  limits: { perSecond: number; burst: number; closeAfterRefusals: number },
  now: () => number = () => performance.now(),
): MessageRate {
  let tokens = limits.burst;
  let refilledAt = now();
  let refusedInARow = 0;
  return {
    admit() {
      const at = now();
      tokens = Math.min(limits.burst, tokens + ((at - refilledAt) / 1000) * limits.perSecond);
      refilledAt = at;
      if (tokens >= 1) {
        tokens -= 1;
        refusedInARow = 0;
        return 'accept';
      }
      refusedInARow += 1;
      return refusedInARow >= limits.closeAfterRefusals ? 'close' : 'refuse';
    },
  };
}

/** The RATE_LIMITED sentence for a refused message, or for the flood that closes the connection. */
export function rateRefusal(
  verdict: 'refuse' | 'close',
  limits: { perSecond: number; burst: number; closeAfterRefusals: number },
): string {
  const limit = `at most ${limits.perSecond} messages per second (bursts of ${limits.burst})`;
  return verdict === 'close'
    ? `Too many messages: ${limits.closeAfterRefusals} in a row arrived faster than ${limit}; closing the connection.`
    : `Too many messages: send ${limit}.`;
}
