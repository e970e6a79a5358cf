import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SlackBotOptions } from '../../../bot/src/main.js';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slackServer.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import {
  type BotHarness,
  blocksOf,
  eventually,
  freePort,
  isFinal,
  repliesIn,
  replyTs,
  SIGNING_SECRET,
  startBotHarness,
  tableRows,
} from '../support/botHarness.js';
import { eventCallback, messageTs, postEvent } from '../support/slackRequests.js';

const API_TOKEN = 'bot-api-token-0123';
const RD_COUNT =
  "SELECT COUNT(*) AS n FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = '研发中心'";
const SALES_COUNT =
  "SELECT COUNT(*) AS n FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = '销售部'";
const intent = (rephrased: string) =>
  JSON.stringify({ rephrased_question: rephrased, intent: 'TEXT_TO_SQL', reason: 'test' });

/** 研发中心有多少人？ then the follow-up 销售部呢？, which only makes sense after it. */
const conversation = () =>
  routeByPrompt([
    [/TASK: INTENT[\s\S]*Latest question: 销售部呢/, intent('销售部有多少人？')],
    [/TASK: INTENT/, intent('研发中心有多少人？')],
    [/TASK: SQL GENERATION[\s\S]*Question: 销售部有多少人/, `\`\`\`sql\n${SALES_COUNT}\n\`\`\``],
    [/TASK: SQL GENERATION/, `\`\`\`sql\n${RD_COUNT}\n\`\`\``],
  ]);
const RD_ROWS = [['n'], ['10']];
const SALES_ROWS = [['n'], ['24']];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('follow-ups in a thread answered before a restart or by another instance', () => {
  let quarry: TestQuarry;
  let slack: FakeSlack;
  const running: BotHarness[] = [];
  const cleanup: (() => Promise<void>)[] = [];

  /** A bot on the shared fake Slack; several can run at once, like instances behind one URL. */
  const startBot = async (
    options: { serverUrl?: string; botOptions?: SlackBotOptions; logger?: pino.Logger } = {},
  ) => {
    const bot = await startBotHarness({
      serverUrl: options.serverUrl ?? quarry.wsUrl,
      slack,
      env: options.serverUrl ? {} : { API_TOKENS: API_TOKEN },
      botOptions: { updateIntervalMs: 50, ...options.botOptions },
      ...(options.logger ? { logger: options.logger } : {}),
    });
    running.push(bot);
    return bot;
  };
  const stopBot = async (bot: BotHarness) => {
    running.splice(running.indexOf(bot), 1);
    await bot.close();
  };
  /** A person's reply in a channel thread, without a mention; returns its ts. */
  const reply = async (bot: BotHarness, threadTs: string, text: string) => {
    const ts = messageTs();
    const response = await postEvent(
      bot.eventsUrl,
      SIGNING_SECRET,
      eventCallback({
        type: 'message',
        channel_type: 'channel',
        channel: 'CDATA',
        user: 'UASKER',
        text,
        ts,
        thread_ts: threadTs,
      }),
    );
    expect(response.status).toBe(200);
    return ts;
  };
  /** The rows of the bot's `index`-th answer in the thread, once it is final. */
  const answerRows = async (threadTs: string, index: number) => {
    await slack.waitFor(() => repliesIn(slack, threadTs).length > index);
    const ts = replyTs(slack, threadTs, index);
    await slack.waitFor(() => isFinal(blocksOf(slack.messages.get(ts) ?? { blocks: [] })), 20_000);
    return tableRows(blocksOf(slack.messages.get(ts) ?? { blocks: [] }));
  };
  const lastIntentPrompt = (server: TestQuarry) =>
    server.fake.chatRequests.filter((r) => r.system.includes('TASK: INTENT')).at(-1)?.lastUser;

  beforeAll(async () => {
    // Intent classification on: it is where a follow-up meets its thread's history.
    quarry = await startTestQuarry({ ASK_INTENT_CLASSIFICATION: 'true', API_TOKENS: API_TOKEN });
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    for (const bot of running.splice(0)) await bot.close();
    for (const close of cleanup.splice(0).reverse()) await close();
    quarry.fake.reset();
  });
  afterAll(async () => {
    await slack?.close();
    await quarry?.close();
  });

  it('answers a reply after a restart with the thread history, and ignores an unrelated thread', async () => {
    quarry.fake.onChat(conversation());
    const before = await startBot();
    const threadTs = await before.mention('研发中心有多少人？');
    expect(await answerRows(threadTs, 0)).toEqual(RD_ROWS);
    await stopBot(before);

    const after = await startBot();
    const unrelated = messageTs();
    await reply(after, unrelated, '销售部呢？');
    await reply(after, threadTs, '销售部呢？');
    expect(await answerRows(threadTs, 1)).toEqual(SALES_ROWS);
    expect(lastIntentPrompt(quarry)).toContain('Conversation history:\n1. 研发中心有多少人？');
    expect(lastIntentPrompt(quarry)).toContain('Latest question: 销售部呢？');

    await pause(300);
    expect(repliesIn(slack, unrelated)).toHaveLength(0);
    expect(repliesIn(slack, threadTs)).toHaveLength(2);
    // The first ask's, then the reply's twice: after a restart the bot does not know who asked,
    // so the intent stage first tells it the reply is a data question, then the ask runs it.
    expect(quarry.fake.chatRequests.filter((r) => r.system.includes('TASK: INTENT'))).toHaveLength(
      3,
    );
  });

  it('follows a thread once another instance was mentioned in it, though the server knew none before', async () => {
    quarry.fake.onChat(conversation());
    const a = await startBot();
    const b = await startBot();
    const root = messageTs();
    // No ask in this thread yet: b looks it up, the server knows none, b remembers that.
    await reply(b, root, '研发中心有多少人？');
    await pause(300);
    expect(repliesIn(slack, root)).toHaveLength(0);

    // Slack sends a mention as `message` and as `app_mention`; here each copy reaches another instance.
    const mentionTs = messageTs();
    const mention = {
      channel: 'CDATA',
      user: 'UASKER',
      text: `<@${slack.botUserId}> 研发中心有多少人？`,
      ts: mentionTs,
      thread_ts: root,
    };
    await postEvent(
      b.eventsUrl,
      SIGNING_SECRET,
      eventCallback({ type: 'message', channel_type: 'channel', ...mention }),
    );
    await postEvent(
      a.eventsUrl,
      SIGNING_SECRET,
      eventCallback({ type: 'app_mention', ...mention }),
    );
    expect(await answerRows(root, 0)).toEqual(RD_ROWS);

    await reply(b, root, '销售部呢？');
    expect(await answerRows(root, 1)).toEqual(SALES_ROWS);
    await pause(300);
    expect(repliesIn(slack, root)).toHaveLength(2);
  });

  it('does not look a thread up again for a while once the server knew no ask in it', async () => {
    quarry.fake.onChat(conversation());
    const ttlMs = 3000;
    const a = await startBot();
    const b = await startBot({ botOptions: { notFollowedThreadTtlMs: ttlMs } });
    const root = messageTs();
    await reply(b, root, '研发中心有多少人？');
    const lookedUpAt = Date.now();
    await pause(300);
    // a answers a mention in the thread; both of Slack's copies of it reach a, none reaches b.
    await a.mention('研发中心有多少人？', { thread_ts: root });
    expect(await answerRows(root, 0)).toEqual(RD_ROWS);

    await reply(b, root, '销售部呢？');
    await pause(300);
    expect(Date.now() - lookedUpAt).toBeLessThan(ttlMs);
    expect(repliesIn(slack, root)).toHaveLength(1);

    await pause(lookedUpAt + ttlMs + 100 - Date.now());
    await reply(b, root, '销售部呢？');
    expect(await answerRows(root, 1)).toEqual(SALES_ROWS);
  });

  it('leaves a reply unanswered while the server is down, and answers the next once it is back', async () => {
    // A server restart: the same port and app database, a new process.
    const dir = await mkdtemp(join(tmpdir(), 'quarry-bot-followups-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const env = {
      PORT: String(port),
      APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
      ASK_INTENT_CLASSIFICATION: 'true',
    };
    const serverUrl = `ws://127.0.0.1:${port}/ws`;
    let server = await startTestQuarry(env);
    let serverUp = true;
    cleanup.push(async () => {
      if (serverUp) await server.close();
    });
    server.fake.onChat(conversation());
    const before = await startBot({ serverUrl });
    const threadTs = await before.mention('研发中心有多少人？');
    expect(await answerRows(threadTs, 0)).toEqual(RD_ROWS);
    await stopBot(before);
    await server.close();
    serverUp = false;

    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const after = await startBot({ serverUrl, logger });
    await reply(after, threadTs, '销售部呢？');
    await eventually(async () =>
      lines.some((line) => {
        const entry = JSON.parse(line) as { level: number; msg: string; thread?: string };
        return (
          entry.level === 40 &&
          entry.thread === threadTs &&
          entry.msg.startsWith('could not ask the Quarry server about a thread')
        );
      }),
    );
    await pause(200);
    expect(repliesIn(slack, threadTs)).toHaveLength(1);

    server = await startTestQuarry(env);
    serverUp = true;
    server.fake.onChat(conversation());
    await reply(after, threadTs, '销售部呢？');
    expect(await answerRows(threadTs, 1)).toEqual(SALES_ROWS);
    expect(lastIntentPrompt(server)).toContain('Conversation history:\n1. 研发中心有多少人？');
  });
});
