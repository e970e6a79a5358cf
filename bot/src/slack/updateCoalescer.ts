/** Time as the coalescer sees it; tests pass a manual clock. */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface CoalescerOptions<T> {
  /** Delivers one value (one `chat.update`). Throwing keeps the value for a retry if `retryDelay` says so. */
  send: (value: T) => Promise<void>;
  /**
   * Least time from the end of one send (Slack's answer) to the start of the next: counted
   * from the answer, no two updates reach Slack within one interval however the network
   * delays them.
   */
  minIntervalMs: number;
  /**
   * After a failed send: how long to wait before sending the latest value again (Slack's
   * Retry-After, a back-off), or undefined to give the value up.
   */
  retryDelay?: (error: unknown, consecutiveFailures: number) => number | undefined;
  /** Told about every value given up. */
  onGiveUp?: (error: unknown) => void;
  /** When the last send happened before the coalescer existed (the `chat.postMessage`). */
  lastSentAt?: number;
  clock?: Clock;
}

export interface UpdateCoalescer<T> {
  /** Replaces whatever is waiting with `value`; sends it as soon as the interval allows. */
  push(value: T): void;
  /** Resolves once the last pushed value has been sent or given up: the final state is never dropped. */
  settled(): Promise<void>;
  /** Stops timers; anything still waiting is dropped. */
  close(): void;
}

/**
 * Coalesces the updates of one Slack message: at most one send per `minIntervalMs`, one at a
 * time, always the newest value (intermediate ones are skipped, never queued), and a value
 * refused with a rate limit is retried after the delay Slack asked for unless a newer value
 * replaced it meanwhile.
 */
export function createUpdateCoalescer<T>(options: CoalescerOptions<T>): UpdateCoalescer<T> {
  const clock = options.clock ?? systemClock;
  let pending: { value: T } | null = null;
  let inFlight = false;
  let lastDone = options.lastSentAt ?? Number.NEGATIVE_INFINITY;
  let notBefore = Number.NEGATIVE_INFINITY;
  let failures = 0;
  let timer: unknown = null;
  let closed = false;
  let waiters: (() => void)[] = [];

  const settleIfIdle = () => {
    if (pending !== null || inFlight) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const schedule = () => {
    if (closed || inFlight || pending === null || timer !== null) return;
    const due = Math.max(lastDone + options.minIntervalMs, notBefore);
    const wait = due - clock.now();
    if (wait <= 0) {
      void sendPending();
      return;
    }
    timer = clock.setTimeout(() => {
      timer = null;
      schedule();
    }, wait);
  };

  const sendPending = async () => {
    if (pending === null) return;
    const { value } = pending;
    pending = null;
    inFlight = true;
    try {
      await options.send(value);
      failures = 0;
    } catch (error) {
      failures += 1;
      const delay = options.retryDelay?.(error, failures);
      if (delay === undefined) {
        failures = 0;
        options.onGiveUp?.(error);
      } else {
        notBefore = clock.now() + delay;
        // A newer value supersedes the failed one; otherwise the failed one goes again.
        if (pending === null) pending = { value };
      }
    } finally {
      inFlight = false;
      lastDone = clock.now();
    }
    if (closed) pending = null;
    schedule();
    settleIfIdle();
  };

  return {
    push(value) {
      if (closed) return;
      pending = { value };
      schedule();
    },
    settled() {
      if (pending === null && !inFlight) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      pending = null;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      settleIfIdle();
    },
  };
}
