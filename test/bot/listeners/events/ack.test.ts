import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestQuarry, type TestQuarry } from '../../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  isFinal,
  repliesIn,
  replyTs,
  SIGNING_SECRET,
  startBotHarness,
} from '../../support/botHarness.js';
import { eventCallback, messageTs, postEvent } from '../../support/slackRequests.js';

describe('acknowledging Slack', () => {
  let quarry: TestQuarry;
  let harness: BotHarness;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    harness = await startBotHarness({ serverUrl: quarry.wsUrl });
  });
  afterAll(async () => {
    await harness?.close();
    await quarry?.close();
  });

  it('answers the event at once and works on the question afterwards', async () => {
    const { slack } = harness;
    // The model takes longer than Slack's 3 seconds: Slack must have its 200 long before.
    quarry.fake.enqueue({
      content: '```sql\nSELECT COUNT(*) AS n FROM projects\n```',
      delayMs: 4000,
    });
    const ts = messageTs();
    const response = await postEvent(
      harness.eventsUrl,
      SIGNING_SECRET,
      eventCallback({
        type: 'app_mention',
        user: 'UASKER',
        text: `<@${slack.botUserId}> 一共有几个项目?`,
        ts,
        channel: 'CDATA',
      }),
    );
    expect(response.status).toBe(200);
    // Answered while the model had not even started to reply.
    expect(quarry.fake.chatRequests.every((request) => request.firstChunkAt === undefined)).toBe(
      true,
    );
    await slack.waitFor(() => repliesIn(slack, ts).length === 1);
    const reply = replyTs(slack, ts);
    await slack.waitFor(
      () => isFinal(blocksOf(slack.messages.get(reply) ?? { blocks: [] })),
      20_000,
    );
  });
});
