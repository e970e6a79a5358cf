import { describe, expect, it } from 'vitest';
import { BotError } from '../../../bot/src/errors.js';
import { type Clock, createUpdateCoalescer } from '../../../bot/src/slack/updateCoalescer.js';

/** A clock that moves only when the test says so, running due timers in order. */
function manualClock(): Clock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout(run, ms) {
      nextId += 1;
      timers.set(nextId, { at: now + ms, run });
      return nextId;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const until = now + ms;
      // Work already finished (a resolved send) happens at the current time.
      await new Promise((resolve) => setImmediate(resolve));
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
        // Let the send's promise chain settle before the next timer.
        await new Promise((resolve) => setImmediate(resolve));
      }
      now = until;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function recorder(clock: Clock, fail?: (value: string, n: number) => unknown) {
  const sent: { value: string; at: number }[] = [];
  let attempts = 0;
  const send = async (value: string) => {
    attempts += 1;
    const error = fail?.(value, attempts);
    if (error) throw error;
    sent.push({ value, at: clock.now() });
  };
  return { sent, send };
}

describe('createUpdateCoalescer', () => {
  it('sends the newest value at most once per interval and never drops the last one', async () => {
    const clock = manualClock();
    const { sent, send } = recorder(clock);
    const updates = createUpdateCoalescer({ send, minIntervalMs: 1000, lastSentAt: 0, clock });
    for (const [i, stage] of ['understanding', 'searching', 'generating'].entries()) {
      updates.push(stage);
      await clock.advance(100 * (i + 1));
    }
    expect(sent).toEqual([]);
    await clock.advance(400);
    expect(sent).toEqual([{ value: 'generating', at: 1000 }]);
    updates.push('SELECT');
    updates.push('SELECT name');
    await clock.advance(500);
    updates.push('final');
    const settled = updates.settled();
    await clock.advance(600);
    await settled;
    expect(sent).toEqual([
      { value: 'generating', at: 1000 },
      { value: 'final', at: 2000 },
    ]);
  });

  it('sends at once when the interval has passed', async () => {
    const clock = manualClock();
    const { sent, send } = recorder(clock);
    const updates = createUpdateCoalescer({ send, minIntervalMs: 1000, lastSentAt: 0, clock });
    await clock.advance(5000);
    updates.push('late');
    await clock.advance(0);
    expect(sent).toEqual([{ value: 'late', at: 5000 }]);
  });

  it('waits out Retry-After and then sends the newest value, not the refused one', async () => {
    const clock = manualClock();
    const limited = new BotError('SLACK_RATE_LIMITED', 'wait', { context: { retryAfterMs: 3000 } });
    const { sent, send } = recorder(clock, (_value, n) => (n === 1 ? limited : undefined));
    const updates = createUpdateCoalescer({
      send,
      minIntervalMs: 1000,
      lastSentAt: 0,
      clock,
      retryDelay: (error) => (error instanceof BotError ? error.retryAfterMs : undefined),
    });
    updates.push('a');
    await clock.advance(1000);
    expect(sent).toEqual([]);
    updates.push('b');
    await clock.advance(2900);
    expect(sent).toEqual([]);
    await clock.advance(100);
    expect(sent).toEqual([{ value: 'b', at: 4000 }]);
  });

  it('retries the refused value itself when nothing newer came', async () => {
    const clock = manualClock();
    const limited = new BotError('SLACK_RATE_LIMITED', 'wait', { context: { retryAfterMs: 2000 } });
    const { sent, send } = recorder(clock, (_value, n) => (n === 1 ? limited : undefined));
    const updates = createUpdateCoalescer({
      send,
      minIntervalMs: 1000,
      clock,
      retryDelay: () => 2000,
    });
    updates.push('final');
    const settled = updates.settled();
    await clock.advance(0);
    await clock.advance(2000);
    await settled;
    expect(sent).toEqual([{ value: 'final', at: 2000 }]);
  });

  it('gives a value up when retryDelay says so and still settles', async () => {
    const clock = manualClock();
    const given: unknown[] = [];
    const { send } = recorder(clock, () => new Error('boom'));
    const updates = createUpdateCoalescer({
      send,
      minIntervalMs: 1000,
      clock,
      onGiveUp: (e) => given.push(e),
    });
    updates.push('x');
    await clock.advance(0);
    await updates.settled();
    expect(given).toHaveLength(1);
  });

  it('has one send in flight at a time', async () => {
    const clock = manualClock();
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const updates = createUpdateCoalescer<string>({
      clock,
      minIntervalMs: 1000,
      send: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise<void>((resolve) => release.push(resolve));
        inFlight -= 1;
      },
    });
    updates.push('a');
    await clock.advance(0);
    updates.push('b');
    await clock.advance(3000);
    expect(most).toBe(1);
    release.shift()?.();
    await clock.advance(999);
    expect(release).toHaveLength(0);
    // The interval counts from Slack's answer to the last update, not from its request.
    await clock.advance(1);
    expect(release).toHaveLength(1);
    release.shift()?.();
    await updates.settled();
    expect(most).toBe(1);
  });
});
