import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../../fakes/openaiServer.js';
import { startTestQuarry, type TestQuarry } from '../../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  eventually,
  isFinal,
  repliesIn,
  replyTs,
  SIGNING_SECRET,
  startBotHarness,
  tableRows,
  updatesOf,
  visibleText,
} from '../../support/botHarness.js';
import { postInteraction } from '../../support/slackRequests.js';

const ALL_EMPLOYEES = 'SELECT id, name, title, city FROM employees ORDER BY id';

describe('answers and what users do with them', () => {
  let quarry: TestQuarry;
  let harness: BotHarness;
  const blocksNow = (ts: string) => blocksOf(harness.slack.messages.get(ts) ?? { blocks: [] });
  const ask = async (question: string) => {
    const { slack } = harness;
    const threadTs = await harness.mention(question);
    await slack.waitFor(() => repliesIn(slack, threadTs).length === 1);
    const ts = replyTs(slack, threadTs);
    await slack.waitFor(() => isFinal(blocksNow(ts)), 20_000);
    return { threadTs, ts };
  };
  /** A button click on the answer, as Slack posts it to the interactivity URL. */
  const click = (
    answer: { threadTs: string; ts: string },
    actionId: string,
    override: { value?: string } = {},
  ) => {
    const actions = blocksNow(answer.ts).find((block) => block.type === 'actions');
    const button =
      actions?.type === 'actions'
        ? actions.elements.find((e) => e.action_id === actionId)
        : undefined;
    if (!button) throw new Error(`no ${actionId} button on the answer`);
    return postInteraction(harness.eventsUrl, SIGNING_SECRET, {
      type: 'block_actions',
      team: { id: 'TFAKE', domain: 'fake' },
      user: { id: 'UASKER', username: 'asker', team_id: 'TFAKE' },
      api_app_id: 'AFAKE',
      token: 'legacy-verification-token',
      container: {
        type: 'message',
        message_ts: answer.ts,
        channel_id: 'CDATA',
        is_ephemeral: false,
      },
      trigger_id: 'trigger-feedback-1',
      channel: { id: 'CDATA', name: 'data' },
      message: {
        type: 'message',
        user: harness.slack.botUserId,
        ts: answer.ts,
        thread_ts: answer.threadTs,
        text: 'answer',
      },
      response_url: harness.slack.responseUrl(),
      actions: [{ ...button, ...override, block_id: 'b1', action_ts: String(Date.now() / 1000) }],
    });
  };

  beforeAll(async () => {
    quarry = await startTestQuarry();
    harness = await startBotHarness({ serverUrl: quarry.wsUrl });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(async () => {
    await harness?.close();
    await quarry?.close();
  });

  it('uploads a CSV into the thread when the rows do not fit the table', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${ALL_EMPLOYEES}\n\`\`\``]]),
    );
    const answer = await ask('List every employee with their title and city');
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length === 1);
    const rows = tableRows(blocksNow(answer.ts));
    expect(rows).toHaveLength(100);
    expect(rows?.[0]).toEqual(['id', 'name', 'title', 'city']);
    expect(visibleText(blocksNow(answer.ts))).toContain(
      'Showing 99 of 151 rows; the full result is in the CSV below.',
    );
    const [file] = slack.uploads;
    expect(file).toMatchObject({
      channel: 'CDATA',
      threadTs: answer.threadTs,
      title: 'Quarry result',
      comment: 'The full result as CSV',
    });
    expect(file?.filename).toMatch(/^quarry-\d{8}-\d{6}-[0-9a-f]{8}\.csv$/);
    const lines = file?.content.split('\n') ?? [];
    expect(lines[0]).toBe('\uFEFFid,name,title,city');
    expect(lines[1]).toBe(rows?.[1]?.join(','));
    expect(lines[99]).toBe(rows?.[99]?.join(','));
    expect(lines.filter(Boolean)).toHaveLength(152);
    // Only after the final update: the thread reads answer first, then its file.
    const finalUpdate = updatesOf(slack, answer.ts).at(-1)?.at ?? 0;
    expect(slack.callsTo('files.getUploadURLExternal')[0]?.at).toBeGreaterThanOrEqual(finalUpdate);
  });

  it('shows a failure, the rewrite and the success as each happens', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL DIAGNOSIS/,
          {
            content: 'There is no project_budget column; the budget is in projects.budget.',
            delayMs: 1200,
          },
        ],
        [
          /TASK: SQL CORRECTION/,
          {
            content: '```sql\nSELECT name, budget FROM projects ORDER BY budget DESC LIMIT 3\n```',
            delayMs: 1200,
          },
        ],
        [
          /TASK: SQL GENERATION/,
          '```sql\nSELECT name, project_budget FROM projects ORDER BY project_budget DESC LIMIT 3\n```',
        ],
      ]),
    );
    const answer = await ask('Which three projects have the largest budgets?');
    const texts = updatesOf(slack, answer.ts).map((update) => visibleText(blocksOf(update)));
    const rewriting = texts.find((text) => text.includes('Rewriting the SQL (rewrite 1)…'));
    expect(rewriting).toMatch(/:warning: The first query failed the check: .*project_budget/);
    expect(rewriting).toContain('```SELECT name, project_budget FROM projects');
    const final = texts.at(-1) ?? '';
    expect(final).toMatch(/:warning: The first query failed the check: .*project_budget/);
    expect(final).toContain(':pencil2: Rewrote the SQL (rewrite 1)');
    expect(final).toContain(':white_check_mark: Rewrite 1 worked (3 rows)');
    expect(final).toContain('```SELECT name, budget FROM projects ORDER BY budget DESC LIMIT 3```');
    expect(tableRows(blocksNow(answer.ts))).toHaveLength(4);
  });

  it('records 👍 on the ask history', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS n FROM projects\n```']]),
    );
    const answer = await ask('How many projects are there?');
    const askId =
      blocksNow(answer.ts).flatMap((b) =>
        b.type === 'actions' ? b.elements.map((e) => e.value) : [],
      )[0] ?? '';
    expect((await click(answer, 'quarry_feedback_up')).status).toBe(200);
    await slack.waitFor(() => slack.callsTo('chat.postEphemeral').length === 1);
    expect(slack.callsTo('chat.postEphemeral')[0]?.body).toMatchObject({
      channel: 'CDATA',
      user: 'UASKER',
      thread_ts: answer.threadTs,
      text: 'Thanks! Your 👍 is recorded.',
    });
    await eventually(async () => (await quarry.server.store.asks.get(askId))?.rating === 'up');
    const record = await quarry.server.store.asks.get(askId);
    expect(record).toMatchObject({
      rating: 'up',
      question: 'How many projects are there?',
      status: 'finished',
    });
  });

  it('asks what was wrong on 👎 and records the comment', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS n FROM employees\n```']]),
    );
    const answer = await ask('How many people work here now?');
    const askId =
      blocksNow(answer.ts).flatMap((b) =>
        b.type === 'actions' ? b.elements.map((e) => e.value) : [],
      )[0] ?? '';
    await click(answer, 'quarry_feedback_down');
    await slack.waitFor(() => slack.callsTo('views.open').length === 1);
    const view = slack.callsTo('views.open')[0]?.body.view as {
      callback_id: string;
      private_metadata: string;
      title: { text: string };
    };
    expect(view.title.text).toBe('What was wrong?');
    // The 👎 counts even if the modal is dismissed.
    await eventually(async () => (await quarry.server.store.asks.get(askId))?.rating === 'down');

    const submitted = await postInteraction(harness.eventsUrl, SIGNING_SECRET, {
      type: 'view_submission',
      team: { id: 'TFAKE', domain: 'fake' },
      user: { id: 'UASKER', username: 'asker', team_id: 'TFAKE' },
      api_app_id: 'AFAKE',
      token: 'legacy-verification-token',
      trigger_id: 'trigger-submit-1',
      view: {
        id: 'VFAKE',
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            comment: {
              comment: { type: 'plain_text_input', value: 'It counted people who have left.' },
            },
          },
        },
      },
    });
    expect(submitted.status).toBe(200);
    await slack.waitFor(() =>
      slack
        .callsTo('chat.postEphemeral')
        .some((c) => c.body.text === 'Thanks, your comment is recorded.'),
    );
    expect(await quarry.server.store.asks.get(askId)).toMatchObject({
      rating: 'down',
      feedback_comment: 'It counted people who have left.',
    });
  });

  it('uploads the CSV of an answer on request', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          '```sql\nSELECT name, city FROM departments ORDER BY id LIMIT 2\n```',
        ],
      ]),
    );
    const answer = await ask('Where are the first two departments?');
    const before = slack.uploads.length;
    await click(answer, 'quarry_download_csv');
    await slack.waitFor(() => slack.callsTo('files.completeUploadExternal').length > before);
    expect(slack.uploads.at(-1)?.content).toBe('\uFEFFname,city\n总经办,北京\n研发中心,北京\n');
    expect(slack.uploads.at(-1)?.threadTs).toBe(answer.threadTs);
  });

  it("says in the answer's language when the rows of an answer are gone", async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, '```sql\nSELECT name FROM departments LIMIT 1\n```'],
      ]),
    );
    const answer = await ask('第一个部门叫什么?');
    const before = slack.callsTo('chat.postEphemeral').length;
    // An answer from before a restart of both: neither the bot nor the server has its rows.
    await click(answer, 'quarry_download_csv', { value: '00000000-0000-4000-8000-000000000000' });
    await slack.waitFor(() => slack.callsTo('chat.postEphemeral').length > before);
    expect(slack.callsTo('chat.postEphemeral').at(-1)?.body).toMatchObject({
      channel: 'CDATA',
      user: 'UASKER',
      text: '这个结果已经不在了，请重新提问以获取 CSV。',
    });
  });
});
