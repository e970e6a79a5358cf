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

/**
 * One budget of message updates for the whole workspace, shared by every message's coalescer:
 * Slack limits `chat.update` per workspace, so three answers at once must share one rate, not
 * take one each. Promises: one send at a time, and each starts at least `minIntervalMs` after
 * the previous one was answered, however many messages wait; turns are given in order.
 */
export interface SendBudget {
  /** Waits for this sender's turn; call the returned function once Slack has answered. */
  acquire(): Promise<() => void>;
}

export function createSendBudget(options: { minIntervalMs: number; clock?: Clock }): SendBudget {
  const clock = options.clock ?? systemClock;
  let queue: Promise<void> = Promise.resolve();
  let lastDone = Number.NEGATIVE_INFINITY;
  return {
    acquire() {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const turn = queue.then(async () => {
        const wait = lastDone + options.minIntervalMs - clock.now();
        if (wait > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
        let done = false;
        return () => {
          if (done) return;
          done = true;
          lastDone = clock.now();
          release();
        };
      });
      queue = turn.then(() => released);
      return turn;
    },
  };
}

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
  /** The workspace's update budget, shared with every other message's coalescer. */
  budget?: SendBudget;
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
    inFlight = true;
    // The newest value when the budget gives the turn is the one sent.
    const release = options.budget ? await options.budget.acquire() : () => undefined;
    const taken = pending;
    pending = null;
    if (taken === null) {
      release();
      inFlight = false;
      settleIfIdle();
      return;
    }
    const { value } = taken;
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
      release();
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
