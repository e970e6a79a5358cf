import { describe, expect, it } from 'vitest';
import { BotError } from '../../../bot/src/errors.js';
import { createBotLogger } from '../../../bot/src/logger.js';
import { createUserNames } from '../../../bot/src/slack/userNames.js';

const logger = createBotLogger('silent');

/** A users.info whose answers the test releases by hand, counting the calls. */
function slowSlack() {
  const calls: string[] = [];
  const pending: Array<(name: string | undefined) => void> = [];
  return {
    calls,
    answer: (name: string | undefined) => pending.shift()?.(name),
    userName(userId: string) {
      calls.push(userId);
      return new Promise<string | undefined>((resolve) => pending.push(resolve));
    },
  };
}

describe('user names', () => {
  it('gives up on a slow users.info after the time limit, and keeps the late answer for next time', async () => {
    const slack = slowSlack();
    const names = createUserNames({ slack, logger, timeoutMs: 50 });
    const started = performance.now();
    expect(await names.nameOf('U1')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);

    // A second question while Slack still thinks shares the lookup.
    const second = names.nameOf('U1');
    slack.answer('Ada');
    expect(await second).toBe('Ada');
    expect(await names.nameOf('U1')).toBe('Ada');
    expect(slack.calls).toEqual(['U1']);
  });

  it('asks again once the name is older than the cache period', async () => {
    let now = 0;
    const calls: string[] = [];
    const names = createUserNames({
      slack: {
        userName: async (userId) => {
          calls.push(userId);
          return calls.length === 1 ? 'Ada' : 'Ada L.';
        },
      },
      logger,
      ttlMs: 60_000,
      now: () => now,
    });
    expect(await names.nameOf('U1')).toBe('Ada');
    now = 59_000;
    expect(await names.nameOf('U1')).toBe('Ada');
    now = 61_000;
    expect(await names.nameOf('U1')).toBe('Ada L.');
    expect(calls).toEqual(['U1', 'U1']);
  });

  it('waits out a rate limit before asking Slack again, and cuts a name to what the server accepts', async () => {
    let now = 0;
    const calls: string[] = [];
    const names = createUserNames({
      slack: {
        userName: async (userId) => {
          calls.push(userId);
          if (calls.length === 1) {
            throw new BotError('SLACK_RATE_LIMITED', 'Slack asked to wait 30s', {
              context: { retryAfterMs: 30_000 },
            });
          }
          return `${'名'.repeat(255)}🚀`;
        },
      },
      logger,
      now: () => now,
    });
    expect(await names.nameOf('U1')).toBeUndefined();
    now = 10_000;
    expect(await names.nameOf('U2')).toBeUndefined();
    expect(calls).toEqual(['U1']);
    now = 31_000;
    // 255 + the emoji's two UTF-16 units is past 256: the emoji goes whole, not in half.
    expect(await names.nameOf('U2')).toBe('名'.repeat(255));
    expect(calls).toEqual(['U1', 'U2']);
  });
});
