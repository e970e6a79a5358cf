import { afterEach, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  freePort,
  isFinal,
  repliesIn,
  replyTs,
  startBotHarness,
  tableRows,
  updatesOf,
  visibleText,
} from '../support/botHarness.js';
import { eventCallback, messageTs, sameEventIdNewTs } from '../support/slackRequests.js';

describe('when the connection to Quarry fails', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  const finalBlocks = async (harness: BotHarness, threadTs: string) => {
    const { slack } = harness;
    await slack.waitFor(() => repliesIn(slack, threadTs).length === 1);
    const ts = replyTs(slack, threadTs);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);
    return { ts, blocks: blocksOf(slack.messages.get(ts) ?? { blocks: [] }) };
  };

  it('says the server is unreachable, retrying with back-off, and answers once it is back', async () => {
    const port = await freePort();
    const harness = await startBotHarness({
      serverUrl: `ws://127.0.0.1:${port}/ws`,
      botOptions: { connectBackoffMs: [1200, 1200] },
    });
    cleanup.push(() => harness.close());
    const threadTs = await harness.mention('How many departments are there?');
    const { ts, blocks } = await finalBlocks(harness, threadTs);
    const texts = updatesOf(harness.slack, ts).map((update) => visibleText(blocksOf(update)));
    expect(
      texts.some((text) =>
        text.includes("Can't reach the Quarry server yet — retrying (attempt 2)…"),
      ),
    ).toBe(true);
    expect(visibleText(blocks)).toContain(":x: *I can't reach the Quarry server right now.*");
    await harness.slack.waitFor(() =>
      harness.slack
        .callsTo('reactions.add')
        .some((c) => c.body.timestamp === threadTs && c.body.name === 'x'),
    );

    const quarry = await startTestQuarry({ PORT: String(port) });
    cleanup.push(() => quarry.close());
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS departments FROM departments\n```'],
      ]),
    );
    const again = await harness.mention('How many departments are there?');
    expect(tableRows((await finalBlocks(harness, again)).blocks)).toEqual([
      ['departments'],
      ['14'],
    ]);
  });

  it('says so when the socket drops in the middle of an answer', async () => {
    const quarry: TestQuarry = await startTestQuarry();
    let closed = false;
    cleanup.push(async () => {
      if (!closed) await quarry.close();
    });
    const harness = await startBotHarness({ serverUrl: quarry.wsUrl });
    cleanup.push(() => harness.close());
    quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, { content: '', hang: true }]]));
    const threadTs = await harness.mention('研发中心有多少人？');
    const { slack } = harness;
    await slack.waitFor(() => repliesIn(slack, threadTs).length === 1);
    const ts = replyTs(slack, threadTs);
    await slack.waitFor(() =>
      visibleText(blocksOf(slack.messages.get(ts) ?? { blocks: [] })).includes('正在生成 SQL…'),
    );
    await quarry.close();
    closed = true;
    const { blocks } = await finalBlocks(harness, threadTs);
    expect(visibleText(blocks)).toContain(
      ':x: *答案返回之前，与 Quarry 服务器的连接断开了。*\n请稍后重新提问。',
    );
  });

  it('works over Socket Mode and drops a redelivered event there too', async () => {
    const quarry = await startTestQuarry();
    cleanup.push(() => quarry.close());
    const harness = await startBotHarness({ serverUrl: quarry.wsUrl, socketMode: true });
    cleanup.push(() => harness.close());
    const { slack } = harness;
    expect(harness.bot.port).toBeUndefined();
    await slack.waitFor(() => slack.socketConnections() === 1);
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          { content: '```sql\nSELECT COUNT(*) AS n FROM projects\n```', delayMs: 300 },
        ],
      ]),
    );
    const ts = messageTs();
    const event = eventCallback({
      type: 'app_mention',
      user: 'UASKER',
      text: `<@${slack.botUserId}> how many projects?`,
      ts,
      channel: 'CDATA',
    });
    const first = slack.sendSocketEvent(event);
    const retry = slack.sendSocketEvent(event, 1);
    // The event_id alone marks a redelivery, even one the channel:ts check would let through.
    const copy = sameEventIdNewTs(event);
    const changedRetry = slack.sendSocketEvent(copy.envelope, 2);
    await slack.waitFor(() =>
      [first, retry, changedRetry].every((envelopeId) => slack.socketAcks.includes(envelopeId)),
    );
    const { blocks } = await finalBlocks(harness, ts);
    expect(visibleText(blocks)).toContain(':white_check_mark:');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(repliesIn(slack, ts)).toHaveLength(1);
    expect(repliesIn(slack, copy.ts)).toHaveLength(0);
    expect(
      quarry.fake.chatRequests.filter((r) => r.system.includes('SQL GENERATION')),
    ).toHaveLength(1);
  });
});
