import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../bot/src/config.js';
import { createBotLogger } from '../../bot/src/logger.js';
import { startSlackBot } from '../../bot/src/main.js';
import { routeByPrompt } from '../fakes/openaiServer.js';
import { startFakeSlack } from '../fakes/slackServer.js';
import { startTestQuarry, type TestQuarry } from '../support/quarry.js';
import {
  blocksOf,
  isFinal,
  repliesIn,
  replyTs,
  startBotHarness,
  tableRows,
  visibleText,
} from './support/botHarness.js';

describe('starting the bot', () => {
  it('stops with one line naming SLACK_BOT_TOKEN when Slack refuses the token', async () => {
    const slack = await startFakeSlack();
    try {
      const config = loadBotConfig({
        SLACK_BOT_TOKEN: 'xoxb-revoked',
        SLACK_SIGNING_SECRET: 's',
        SLACK_PORT: '0',
        SLACK_API_URL: slack.apiUrl,
      });
      await expect(startSlackBot(config, createBotLogger('silent'))).rejects.toThrow(
        /^SLACK_BOT_TOKEN was refused by Slack \(invalid_auth\)$/,
      );
    } finally {
      await slack.close();
    }
  });
});

describe('a server that requires API tokens', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry({ API_TOKENS: 'first-token,second-token' });
  });
  afterAll(() => quarry?.close());

  const answer = async (apiTokens: string) => {
    const harness = await startBotHarness({
      serverUrl: quarry.wsUrl,
      env: { API_TOKENS: apiTokens },
    });
    try {
      const threadTs = await harness.mention('How many departments are there?');
      const { slack } = harness;
      await slack.waitFor(() => repliesIn(slack, threadTs).length === 1);
      const ts = replyTs(slack, threadTs);
      await slack.waitFor(
        () => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })),
        20_000,
      );
      return blocksOf(slack.messages.get(ts) ?? { blocks: [] });
    } finally {
      await harness.close();
    }
  };

  it('is asked with the first of the bot’s API_TOKENS as a bearer token', async () => {
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS n FROM departments\n```'],
      ]),
    );
    expect(tableRows(await answer('first-token, other'))).toEqual([['n'], ['14']]);
  });

  it('tells the user when it refuses the bot', async () => {
    const blocks = await answer('wrong-token');
    expect(visibleText(blocks)).toContain(
      ":x: *The Quarry server refused the bot's credentials.*\nAsk your Quarry admin to check API_TOKENS.",
    );
  });
});
