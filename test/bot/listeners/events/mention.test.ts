import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../../fakes/openaiServer.js';
import { startTestQuarry, type TestQuarry } from '../../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  isFinal,
  repliesIn,
  replyTs,
  SIGNING_SECRET,
  startBotHarness,
  tableRows,
  updatesOf,
  visibleText,
} from '../../support/botHarness.js';
import {
  eventCallback,
  messageTs,
  postEvent,
  sameEventIdNewTs,
} from '../../support/slackRequests.js';

const HEADCOUNT_SQL =
  'SELECT d.name AS department, COUNT(*) AS employees FROM employees e JOIN departments d ON d.id = e.department_id GROUP BY d.name ORDER BY employees DESC, d.name';

describe('a mention in a channel', () => {
  let quarry: TestQuarry;
  let harness: BotHarness;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    harness = await startBotHarness({ serverUrl: quarry.wsUrl });
  });
  afterEach(() => {
    quarry.fake.reset();
    harness.slack.rule('chat.update', undefined);
  });
  afterAll(async () => {
    await harness?.close();
    await quarry?.close();
  });

  it('gets one thread reply, updated at most once a second through the stages to a final table', async () => {
    const { slack } = harness;
    // Slow enough that the throttle has stages and a half-written SQL to show.
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          {
            content: `\`\`\`sql\n${HEADCOUNT_SQL}\n\`\`\``,
            delayMs: 1300,
            chunkDelayMs: 150,
            chunks: sqlChunks(HEADCOUNT_SQL),
          },
        ],
      ]),
    );
    const questionTs = await harness.mention('How many employees work in each department?');
    await slack.waitFor(() => repliesIn(slack, questionTs).length === 1);
    const ts = replyTs(slack, questionTs);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);
    await slack.waitFor(() => slack.callsTo('reactions.add').length === 2);

    expect(quarry.fake.chatRequests.at(-1)?.lastUser).toBe(
      'Question: How many employees work in each department?',
    );
    expect(repliesIn(slack, questionTs)).toHaveLength(1);
    const post = repliesIn(slack, questionTs)[0];
    expect(post?.body.channel).toBe('CDATA');
    const updates = updatesOf(slack, ts);
    const texts = updates.map((update) => visibleText(blocksOf(update)));
    expect(texts.some((text) => text.includes('Writing the SQL…'))).toBe(true);
    expect(texts.some((text) => /```SELECT d\.name[^`]* ▌```/.test(text))).toBe(true);

    const times = [post?.at ?? 0, ...updates.map((update) => update.at)];
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
    }

    const final = blocksOf(updates.at(-1) ?? { blocks: [] });
    expect(visibleText(final)).toContain(':white_check_mark: *14 rows*');
    expect(visibleText(final)).toContain(`\`\`\`${HEADCOUNT_SQL}\`\`\``);
    const rows = tableRows(final);
    expect(rows?.slice(0, 3)).toEqual([
      ['department', 'employees'],
      ['销售部', '24'],
      ['客户服务部', '16'],
    ]);
    expect(rows).toHaveLength(15);
    expect(slack.uploads).toHaveLength(0);

    expect(
      slack.calls
        .filter((c) => c.method.startsWith('reactions.'))
        .map((c) => [c.method, c.body.name, c.body.timestamp]),
    ).toEqual([
      ['reactions.add', 'eyes', questionTs],
      ['reactions.remove', 'eyes', questionTs],
      ['reactions.add', 'white_check_mark', questionTs],
    ]);
  });

  it('answers a retried event once', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          { content: '```sql\nSELECT COUNT(*) AS n FROM departments\n```', delayMs: 200 },
        ],
      ]),
    );
    const ts = messageTs();
    const event = eventCallback({
      type: 'app_mention',
      user: 'UASKER',
      text: `<@${slack.botUserId}> how many departments?`,
      ts,
      channel: 'CDATA',
    });
    expect((await postEvent(harness.eventsUrl, SIGNING_SECRET, event)).status).toBe(200);
    // Slack redelivers when it thinks the first delivery failed: same event_id, a retry header.
    expect(
      (await postEvent(harness.eventsUrl, SIGNING_SECRET, event, { retryNum: 1 })).status,
    ).toBe(200);
    // The event_id alone marks a redelivery, even one the channel:ts check would let through.
    const copy = sameEventIdNewTs(event);
    expect(
      (await postEvent(harness.eventsUrl, SIGNING_SECRET, copy.envelope, { retryNum: 2 })).status,
    ).toBe(200);
    await slack.waitFor(() => repliesIn(slack, ts).length === 1);
    const reply = replyTs(slack, ts);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(reply) ?? { blocks: [] })));
    // A copy let through would have posted its reply before this later mention's.
    await harness.laterMentionAnswered();
    expect(repliesIn(slack, ts)).toHaveLength(1);
    expect(repliesIn(slack, copy.ts)).toHaveLength(0);
    expect(quarry.fake.chatRequests).toHaveLength(1);
    expect(tableRows(blocksOf(slack.messages.get(reply) ?? { blocks: [] }))).toEqual([
      ['n'],
      ['14'],
    ]);
  });

  it('answers a mention in a thread it follows once, though Slack sends it as message and as app_mention', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS n FROM departments\n```'],
      ]),
    );
    const threadTs = await harness.mention('how many departments?');
    await slack.waitFor(() => repliesIn(slack, threadTs).length === 1);
    const first = replyTs(slack, threadTs);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(first) ?? { blocks: [] })));

    // One message, two events with their own event_ids: only channel:ts tells they are one.
    const mention = {
      user: 'UASKER',
      text: `<@${slack.botUserId}> and how many projects?`,
      ts: messageTs(),
      thread_ts: threadTs,
      channel: 'CDATA',
    };
    const asMessage = eventCallback({ type: 'message', channel_type: 'channel', ...mention });
    const asMention = eventCallback({ type: 'app_mention', ...mention });
    expect(asMessage.event_id).not.toBe(asMention.event_id);
    expect((await postEvent(harness.eventsUrl, SIGNING_SECRET, asMessage)).status).toBe(200);
    expect((await postEvent(harness.eventsUrl, SIGNING_SECRET, asMention)).status).toBe(200);
    await slack.waitFor(() => repliesIn(slack, threadTs).length === 2);
    const second = replyTs(slack, threadTs, 1);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(second) ?? { blocks: [] })));
    await harness.laterMentionAnswered();
    expect(repliesIn(slack, threadTs)).toHaveLength(2);
    expect(quarry.fake.chatRequests).toHaveLength(2);
  });

  it('rejects a request whose signature does not verify', async () => {
    const { slack } = harness;
    const before = slack.calls.length;
    const event = eventCallback({
      type: 'app_mention',
      user: 'UASKER',
      text: `<@${slack.botUserId}> drop everything`,
      ts: messageTs(),
      channel: 'CDATA',
    });
    const forged = await postEvent(harness.eventsUrl, SIGNING_SECRET, event, {
      secret: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
    const stale = await postEvent(harness.eventsUrl, SIGNING_SECRET, event, {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    // The only call to Slack since is the help posted under the later, signed mention.
    const later = await harness.laterMentionAnswered();
    expect(slack.calls.slice(before).map((call) => [call.method, call.body.thread_ts])).toEqual([
      ['chat.postMessage', later],
    ]);
    expect(quarry.fake.chatRequests).toHaveLength(0);
  });

  it('honours Retry-After on a rate-limited update and still delivers the final answer', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          { content: '```sql\nSELECT COUNT(*) AS n FROM employees\n```', delayMs: 100 },
        ],
      ]),
    );
    slack.script('chat.update', { status: 429, retryAfter: 2 });
    const questionTs = await harness.mention('How many employees are there?');
    await slack.waitFor(() => repliesIn(slack, questionTs).length === 1);
    const ts = replyTs(slack, questionTs);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);
    const updates = updatesOf(slack, ts);
    expect(updates[0]?.outcome).toBe('429');
    expect(updates[1]?.outcome).toBe('ok');
    expect((updates[1]?.at ?? 0) - (updates[0]?.at ?? 0)).toBeGreaterThanOrEqual(2000);
    expect(tableRows(blocksOf(slack.messages.get(ts) ?? { blocks: [] }))).toEqual([['n'], ['151']]);
  });

  it('shows the rows as a monospace table when Slack refuses the table block', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          '```sql\nSELECT name, city FROM departments WHERE id <= 3 ORDER BY id\n```',
        ],
      ]),
    );
    slack.rule('chat.update', (call) =>
      JSON.stringify(call.body.blocks ?? []).includes('"type":"table"')
        ? { error: 'invalid_blocks' }
        : undefined,
    );
    const questionTs = await harness.mention(
      'Which city is each of the first three departments in?',
    );
    await slack.waitFor(() => repliesIn(slack, questionTs).length === 1);
    const ts = replyTs(slack, questionTs);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);
    const text = visibleText(blocksOf(slack.messages.get(ts) ?? { blocks: [] }));
    expect(text).toContain(
      '```name        city\n----------  ----\n总经办      北京\n研发中心    北京\n数据平台部  北京```',
    );
    const updates = updatesOf(slack, ts);
    const refused = updates.findIndex((update) => update.outcome === 'invalid_blocks');
    expect((updates[refused + 1]?.at ?? 0) - (updates[refused]?.at ?? 0)).toBeGreaterThanOrEqual(
      1000,
    );
  });
});

/** The model's reply as a stream: the fence, then the SQL a few words at a time. */
function sqlChunks(sql: string): string[] {
  const words = sql.split(' ');
  const chunks = ['```sql\n'];
  for (let i = 0; i < words.length; i += 4) chunks.push(`${words.slice(i, i + 4).join(' ')} `);
  chunks.push('\n```');
  return chunks;
}
