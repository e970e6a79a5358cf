import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBlock } from '../../../bot/src/answer/render.js';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_TOKEN } from '../../support/adminToken.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  isFinal,
  repliesIn,
  SIGNING_SECRET,
  startBotHarness,
  tableRows,
  updatesOf,
  visibleText,
} from '../support/botHarness.js';
import { postInteraction } from '../support/slackRequests.js';

const MONTHLY =
  "SELECT strftime('%Y-%m', sale_date) AS month, SUM(amount) AS sales FROM sales GROUP BY month ORDER BY month";
const ALL_EMPLOYEES = 'SELECT id, name, title, city FROM employees ORDER BY id';
const ANSWER = 'Sales climbed through the year.';
const FOLLOW_UPS = ['Which region sold most?', 'Who sold most in March?', 'How did 2024 compare?'];
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function answerWith(sqlFor: (question: string) => string) {
  return routeByPrompt([
    [/TASK: SQL GENERATION/, (request) => `\`\`\`sql\n${sqlFor(request.lastUser)}\n\`\`\``],
    [
      /TASK: ANSWER FROM THE QUERY RESULT/,
      `${ANSWER}\n<<<JSON>>>\n${JSON.stringify({ follow_ups: FOLLOW_UPS })}`,
    ],
  ]);
}

describe('Slack answers with a sentence, a chart and follow-up buttons', () => {
  let quarry: TestQuarry;
  let harness: BotHarness;
  const blocksNow = (ts: string) => blocksOf(harness.slack.messages.get(ts) ?? { blocks: [] });
  /** The bot's n-th reply in a thread once it is final (its buttons are there). */
  const finalReply = async (threadTs: string, index = 0) => {
    const { slack } = harness;
    await slack.waitFor(() => repliesIn(slack, threadTs).length > index, 20_000);
    const ts = [...slack.messages.values()].filter((m) => m.thread_ts === threadTs)[index]?.ts;
    if (!ts) throw new Error('no reply');
    await slack.waitFor(() => isFinal(blocksNow(ts)), 20_000);
    return ts;
  };
  const buttons = (blocks: MessageBlock[]) =>
    blocks.flatMap((block) => (block.type === 'actions' ? block.elements : []));
  const askHistory = async (askId: string) =>
    (await (await fetch(`${quarry.baseUrl}/api/asks/${askId}`, { headers: ADMIN })).json()) as {
      status: string;
      question: string;
      asked_by: string | null;
      thread_id: string | null;
    };

  beforeAll(async () => {
    quarry = await startTestQuarry({
      ASK_ANSWER: 'true',
      ASK_CHART: 'true',
      ASK_FOLLOW_UPS: 'true',
    });
    harness = await startBotHarness({ serverUrl: quarry.wsUrl });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(async () => {
    await harness?.close();
    await quarry?.close();
  });

  it('leads with the answer, shows the chart in the same message, then offers the follow-ups', async () => {
    const { slack } = harness;
    quarry.fake.onChat(answerWith(() => MONTHLY));
    const threadTs = await harness.mention('How did sales move by month?');
    const ts = await finalReply(threadTs);
    // The picture joins the message once its upload is done (it is drawn while the rest streams).
    await slack.waitFor(() => blocksNow(ts).some((block) => block.type === 'image'), 20_000);
    const blocks = blocksNow(ts);

    // The answer is the message's first block and its text (what notifications show).
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ANSWER } });
    expect(updatesOf(slack, ts).at(-1)?.body.text).toBe(ANSWER);
    const order = blocks.map((block) =>
      block.type === 'table'
        ? 'table'
        : visibleText([block]).startsWith('```')
          ? 'sql'
          : block.type,
    );
    // The answer, its chart, the rows, then the SQL folded below them.
    expect(order.indexOf('image')).toBe(1);
    expect(order.indexOf('table')).toBeGreaterThan(order.indexOf('image'));
    expect(order.indexOf('sql')).toBeGreaterThan(order.indexOf('table'));
    expect(visibleText(blocks)).toContain(MONTHLY);
    expect(tableRows(blocks)?.[0]).toEqual(['month', 'sales']);

    // The chart: a real PNG of plausible size, drawn by the bot and uploaded shared nowhere (the
    // fake, like Slack, shows only a completed image upload in an image block).
    const image = blocks.find((block) => block.type === 'image');
    if (image?.type !== 'image') throw new Error('no image block');
    expect(image.alt_text).toBe('Line chart for: How did sales move by month?');
    const chart = slack.uploads.find((file) => file.id === image.slack_file.id);
    expect(chart).toMatchObject({
      completed: true,
      channel: undefined,
      threadTs: undefined,
      title: 'Quarry chart',
      altText: image.alt_text,
    });
    expect(chart?.filename).toMatch(/^quarry-line-[0-9a-f]{8}\.png$/);
    const png = chart?.bytes ?? Buffer.alloc(0);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(png.readUInt32BE(20)).toBeGreaterThan(300);
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(2_000_000);
    // One message: no file of its own in the thread, and no second message for the chart.
    expect(slack.uploads.filter((file) => file.threadTs === threadTs)).toEqual([]);
    expect(repliesIn(slack, threadTs)).toHaveLength(1);

    // Three follow-up buttons carrying their question, and the CSV button (the rows all fit).
    const labels = buttons(blocks).map((button) => [button.action_id, button.value]);
    expect(labels).toEqual(
      expect.arrayContaining([
        ['quarry_follow_up_0', FOLLOW_UPS[0]],
        ['quarry_follow_up_1', FOLLOW_UPS[1]],
        ['quarry_follow_up_2', FOLLOW_UPS[2]],
      ]),
    );
    expect(buttons(blocks).some((button) => button.action_id === 'quarry_download_csv')).toBe(true);
    // The bot held its socket until the last part: the ask finished, it was not stopped.
    const askId = buttons(blocks).find((b) => b.action_id === 'quarry_feedback_up')?.value ?? '';
    await expect.poll(async () => (await askHistory(askId)).status).toBe('finished');
  });

  it('puts the chart into the thread when Slack will not show it in the message', async () => {
    const { slack } = harness;
    // Slack can refuse an image block whose file it has not finished processing.
    const withImage = (blocks: unknown) =>
      Array.isArray(blocks) && blocks.some((block) => (block as MessageBlock).type === 'image');
    slack.rule('chat.update', (call) =>
      withImage(call.body.blocks) ? { error: 'invalid_blocks' } : undefined,
    );
    try {
      quarry.fake.onChat(answerWith(() => MONTHLY));
      const threadTs = await harness.mention('How did sales move by month?');
      const ts = await finalReply(threadTs);
      const isChart = (file: (typeof slack.uploads)[number]) =>
        file.threadTs === threadTs && file.filename.endsWith('.png');
      await slack.waitFor(() => slack.uploads.some(isChart), 20_000);
      const chart = slack.uploads.find(isChart);
      expect(chart).toMatchObject({ channel: 'CDATA', completed: true, title: 'Quarry chart' });
      expect(chart?.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      // The message keeps its answer and its table block: only the picture moved.
      const blocks = blocksNow(ts);
      expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ANSWER } });
      expect(blocks.some((block) => block.type === 'image')).toBe(false);
      expect(tableRows(blocks)?.[0]).toEqual(['month', 'sales']);
    } finally {
      slack.rule('chat.update', undefined);
    }
  });

  it('offers no "Download CSV" button when the CSV was uploaded anyway', async () => {
    const { slack } = harness;
    quarry.fake.onChat(answerWith(() => ALL_EMPLOYEES));
    const threadTs = await harness.mention('List every employee with their title and city');
    const ts = await finalReply(threadTs);
    await slack.waitFor(() =>
      slack.uploads.some((file) => file.threadTs === threadTs && file.filename.endsWith('.csv')),
    );
    expect(visibleText(blocksNow(ts))).toContain('the full result is in the CSV below');
    expect(buttons(blocksNow(ts)).map((button) => button.action_id)).not.toContain(
      'quarry_download_csv',
    );
    // A list of names and cities has no chart.
    expect(slack.uploads.filter((file) => file.threadTs === threadTs)).toHaveLength(1);
  });

  it('asks a clicked follow-up in the same thread, as the person who clicked', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      answerWith((question) =>
        question.includes(FOLLOW_UPS[0] as string)
          ? 'SELECT region, SUM(amount) AS sales FROM sales GROUP BY region ORDER BY sales DESC'
          : MONTHLY,
      ),
    );
    const threadTs = await harness.mention('How did sales move by month?');
    const ts = await finalReply(threadTs);
    const button = buttons(blocksNow(ts)).find((b) => b.action_id === 'quarry_follow_up_0');
    if (!button) throw new Error('no follow-up button');
    const response = await postInteraction(harness.eventsUrl, SIGNING_SECRET, {
      type: 'block_actions',
      team: { id: 'TFAKE', domain: 'fake' },
      user: { id: 'UCOLLEAGUE', username: 'colleague', team_id: 'TFAKE' },
      api_app_id: 'AFAKE',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: ts, channel_id: 'CDATA', is_ephemeral: false },
      trigger_id: 'trigger-follow-up-1',
      channel: { id: 'CDATA', name: 'data' },
      message: { type: 'message', user: slack.botUserId, ts, thread_ts: threadTs, text: ANSWER },
      response_url: slack.responseUrl(),
      actions: [{ ...button, block_id: 'b2', action_ts: String(Date.now() / 1000) }],
    });
    expect(response.status).toBe(200);

    const second = await finalReply(threadTs, 1);
    const blocks = blocksNow(second);
    expect(visibleText(blocks)).toContain(`<@UCOLLEAGUE> asked: ${FOLLOW_UPS[0]}`);
    expect(tableRows(blocks)?.[0]).toEqual(['region', 'sales']);
    const askId = buttons(blocks).find((b) => b.action_id === 'quarry_feedback_up')?.value ?? '';
    await expect.poll(async () => (await askHistory(askId)).status).toBe('finished');
    expect(await askHistory(askId)).toMatchObject({
      question: FOLLOW_UPS[0],
      asked_by: 'UCOLLEAGUE',
      thread_id: `slack:CDATA:${threadTs}`,
    });
  });
});
