import { webApi } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBotLogger } from '../../../bot/src/logger.js';
import { createSlackOps, type SlackCallOutcome } from '../../../bot/src/slack/slackOps.js';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slackServer.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  isFinal,
  repliesIn,
  replyTs,
  startBotHarness,
  visibleText,
} from '../support/botHarness.js';

const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

describe('Slack rate limits, per method across the app', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack?.close());

  const ops = (onCall?: (method: string, outcome: SlackCallOutcome) => void) =>
    createSlackOps(
      new webApi.WebClient(slack.botToken, {
        slackApiUrl: slack.apiUrl,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      }),
      createBotLogger('silent'),
      onCall ? { onCall } : {},
    );

  it('a 429 with Retry-After pauses that method for every caller, not others', async () => {
    const seen: [string, SlackCallOutcome][] = [];
    const slackOps = ops((method, outcome) => seen.push([method, outcome]));
    slack.script('chat.postMessage', { status: 429, retryAfter: 2 });
    const first = slackOps.postMessage('CDATA', { text: 'first' });
    // Once the bot has read the 429 (the fake recorded its arrival before answering it):
    await expect.poll(() => seen.some(([, outcome]) => outcome === 'rate_limited')).toBe(true);
    const limitedAt = slack.callsTo('chat.postMessage')[0]?.at ?? 0;
    // Another caller of the same method, after the 429: it waits for the pause, unasked.
    let secondPosted = false;
    const second = slackOps
      .postMessage('COTHER', { text: 'second' })
      .then(() => (secondPosted = true));
    // A different method is not paused: it is answered while the second post still waits.
    await slackOps.addReaction('CDATA', '1.0', 'eyes');
    expect(secondPosted).toBe(false);
    await Promise.all([first, second]);

    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((call) => call.outcome)).toEqual(['429', 'ok', 'ok']);
    for (const call of posts.slice(1)) expect(call.at).toBeGreaterThanOrEqual(limitedAt + 2000);
    expect(seen).toContainEqual(['chat.postMessage', 'rate_limited']);
    expect(seen.filter(([method]) => method === 'chat.postMessage')).toHaveLength(3);
  });
});

describe('three answers at once in one channel', () => {
  let quarry: TestQuarry;
  let harness: BotHarness;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    harness = await startBotHarness({
      serverUrl: quarry.wsUrl,
      botOptions: { updateIntervalMs: 300, workspaceUpdateIntervalMs: 600 },
    });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(async () => {
    await harness?.close();
    await quarry?.close();
  });

  it('share one update budget (no two chat.update calls within the workspace interval) and show SQL only once it is SQL', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          {
            content: `Here is the query:\n\`\`\`sql\n${SQL}\n\`\`\``,
            chunkDelayMs: 150,
            // A preamble first, as models write: never shown as if it were SQL.
            chunks: [
              'Here is ',
              'the query:\n',
              '```sql\n',
              'SELECT name ',
              'FROM departments ',
              'ORDER BY id LIMIT 3',
              '\n```',
            ],
          },
        ],
      ]),
    );
    const questions = await Promise.all(
      ['前三个部门', '最早的三个部门', '列出三个部门'].map((text) => harness.mention(text)),
    );
    for (const questionTs of questions) {
      await slack.waitFor(() => repliesIn(slack, questionTs).length === 1);
      const ts = replyTs(slack, questionTs);
      await slack.waitFor(
        () => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })),
        30_000,
      );
    }
    const updates = slack.callsTo('chat.update');
    const texts = updates.map((call) => visibleText(blocksOf(call)));
    expect(texts.some((text) => text.includes('SELECT name'))).toBe(true);
    expect(texts.some((text) => text.includes('Here is'))).toBe(false);
    // Each message was updated, and the updates of all three took turns.
    expect(new Set(updates.map((call) => call.body.ts)).size).toBe(3);
    for (let i = 1; i < updates.length; i++) {
      expect((updates[i]?.at ?? 0) - (updates[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(600);
    }
  });
});
