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
} from '../../support/botHarness.js';
import { eventCallback, messageTs, postEvent } from '../../support/slackRequests.js';

const RD_COUNT =
  "SELECT COUNT(*) AS n FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = '研发中心'";
const intent = (kind: string, rephrased: string) =>
  JSON.stringify({ rephrased_question: rephrased, intent: kind, reason: 'test' });

describe('replies in a thread the bot answers', () => {
  let quarry: TestQuarry;
  let harness: BotHarness;

  beforeAll(async () => {
    // Asks themselves skip the intent stage here: every intent call is the bot asking
    // whether a reply is for it.
    quarry = await startTestQuarry();
    harness = await startBotHarness({
      serverUrl: quarry.wsUrl,
      botOptions: { updateIntervalMs: 50, workspaceUpdateIntervalMs: 50 },
    });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(async () => {
    await harness?.close();
    await quarry?.close();
  });

  const reply = async (threadTs: string, user: string, text: string) => {
    const ts = messageTs();
    const response = await postEvent(
      harness.eventsUrl,
      SIGNING_SECRET,
      eventCallback({
        type: 'message',
        channel_type: 'channel',
        channel: 'CDATA',
        user,
        text,
        ts,
        thread_ts: threadTs,
      }),
    );
    expect(response.status).toBe(200);
    return ts;
  };
  const answered = async (threadTs: string, index: number) => {
    const { slack } = harness;
    await slack.waitFor(() => repliesIn(slack, threadTs).length > index);
    const ts = replyTs(slack, threadTs, index);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);
    return tableRows(blocksOf(slack.messages.get(ts) ?? { blocks: [] }));
  };
  const intentCalls = (question: string) =>
    quarry.fake.chatRequests.filter(
      (request) =>
        request.system.includes('TASK: INTENT') &&
        request.lastUser.includes(`Latest question: ${question}`),
    );

  it('answers the asker, and a colleague only for a data question; a thanks gets a reaction', async () => {
    const { slack } = harness;
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: INTENT[\s\S]*Latest question: 中午/, intent('GENERAL', '中午吃什么')],
        [/TASK: INTENT/, intent('TEXT_TO_SQL', '研发中心有多少人？')],
        [/TASK: SQL GENERATION/, `\`\`\`sql\n${RD_COUNT}\n\`\`\``],
      ]),
    );
    const threadTs = await harness.mention('研发中心有多少人？');
    expect(await answered(threadTs, 0)).toEqual([['n'], ['10']]);

    // The person who asked: answered, without asking the intent stage first.
    await reply(threadTs, 'UASKER', '研发中心现在有多少人？');
    expect(await answered(threadTs, 1)).toEqual([['n'], ['10']]);
    expect(intentCalls('研发中心现在有多少人？')).toHaveLength(0);

    // A colleague chatting in the thread: classified, not a data question, left alone.
    await reply(threadTs, 'UCOLLEAGUE', '中午一起吃饭吗？');
    await expect.poll(() => intentCalls('中午一起吃饭吗？').length).toBe(1);

    // A plain thanks from anyone: a reaction on it, no answer, no model call.
    const thanksTs = await reply(threadTs, 'UCOLLEAGUE', 'thanks!');
    await slack.waitFor(() =>
      slack
        .callsTo('reactions.add')
        .some((call) => call.body.timestamp === thanksTs && call.body.name === 'pray'),
    );
    expect(intentCalls('thanks!')).toHaveLength(0);

    // A colleague's data question: the intent stage says so, and it is answered.
    await reply(threadTs, 'UCOLLEAGUE', '那研发中心一共多少人？');
    expect(await answered(threadTs, 2)).toEqual([['n'], ['10']]);
    expect(intentCalls('那研发中心一共多少人？')).toHaveLength(1);

    // Three answers in all: the lunch chat and the thanks got none.
    expect(repliesIn(slack, threadTs)).toHaveLength(3);
    const answeredQuestions = slack
      .callsTo('reactions.add')
      .filter((call) => call.body.name === 'eyes')
      .map((call) => call.body.timestamp);
    expect(answeredQuestions).not.toContain(thanksTs);
  });
});
