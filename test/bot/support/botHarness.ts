import { createServer } from 'node:net';
import type { MessageBlock } from '../../../bot/src/answer/render.js';
import { loadBotConfig } from '../../../bot/src/config.js';
import { createBotLogger, type Logger } from '../../../bot/src/logger.js';
import {
  type RunningSlackBot,
  type SlackBotOptions,
  startSlackBot,
  startStandaloneBot,
} from '../../../bot/src/main.js';
import { type FakeSlack, type RecordedSlackCall, startFakeSlack } from '../../fakes/slackServer.js';
import { eventCallback, messageTs, postEvent } from './slackRequests.js';

export const SIGNING_SECRET = 'test-signing-secret';

export interface BotHarness {
  slack: FakeSlack;
  bot: RunningSlackBot;
  /** `http://127.0.0.1:<port>/slack/events` */
  eventsUrl: string;
  /** Posts a signed `app_mention` and returns the question's ts (the answer's thread). */
  mention(text: string, extra?: Record<string, unknown>): Promise<string>;
  /**
   * Returns once the bot has handled the events posted before the call, and the ts of the
   * mention that tells. Bolt acknowledges an event before its handler runs, so a test that an
   * event changed nothing cannot read that from the 200: it posts a bare mention after it, which
   * the mention handler answers with the help text (no model call), and waits for that reply.
   */
  laterMentionAnswered(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real bot (its composition root, Bolt, the Web API client) against the fake Slack Web API
 * and the given Quarry server, receiving signed HTTP events unless `env` sets an app token.
 */
export async function startBotHarness(options: {
  serverUrl: string;
  env?: Record<string, string>;
  botOptions?: SlackBotOptions;
  /** Receive events by Socket Mode (the fake's WebSocket) instead of HTTP. */
  socketMode?: boolean;
  /**
   * A fake Slack the test owns, shared by several bots (a restart, two instances); closing
   * the harness leaves it running. Otherwise the harness starts its own.
   */
  slack?: FakeSlack;
  /** Replaces the silent logger (a test that reads the bot's log). */
  logger?: Logger;
  /** Start it as `npm run bot` does (its own `/metrics`), not as the server does. */
  standalone?: boolean;
}): Promise<BotHarness> {
  const slack = options.slack ?? (await startFakeSlack());
  const config = loadBotConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_PORT: '0',
    SLACK_API_URL: slack.apiUrl,
    QUARRY_SERVER_URL: options.serverUrl,
    ...(options.socketMode ? { SLACK_APP_TOKEN: slack.appToken } : {}),
    ...options.env,
  });
  const logger =
    options.logger ??
    createBotLogger((process.env.BOT_TEST_LOG_LEVEL as 'debug' | undefined) ?? 'silent');
  const bot = options.standalone
    ? await startStandaloneBot(config, logger, options.botOptions)
    : await startSlackBot(config, logger, options.botOptions);
  const eventsUrl = `http://127.0.0.1:${bot.port}/slack/events`;
  const mention = async (text: string, extra: Record<string, unknown> = {}) => {
    const ts = messageTs();
    const response = await postEvent(
      eventsUrl,
      SIGNING_SECRET,
      eventCallback({
        type: 'app_mention',
        user: 'UASKER',
        text: `<@${slack.botUserId}> ${text}`,
        ts,
        channel: 'CDATA',
        ...extra,
      }),
    );
    if (response.status !== 200)
      throw new Error(`the bot answered the event with HTTP ${response.status}`);
    return ts;
  };
  return {
    slack,
    bot,
    eventsUrl,
    mention,
    async laterMentionAnswered() {
      const ts = await mention('');
      await slack.waitFor(() => repliesIn(slack, ts).length === 1);
      return ts;
    },
    async close() {
      await bot.close();
      if (!options.slack) await slack.close();
    },
  };
}

/** A port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The bot's messages in one thread, in posting order. */
export function repliesIn(slack: FakeSlack, threadTs: string): RecordedSlackCall[] {
  return slack.callsTo('chat.postMessage').filter((call) => call.body.thread_ts === threadTs);
}

export function updatesOf(slack: FakeSlack, ts: string): RecordedSlackCall[] {
  return slack.callsTo('chat.update').filter((call) => call.body.ts === ts);
}

/** The ts Slack gave the bot's reply (the n-th in the thread). */
export function replyTs(slack: FakeSlack, threadTs: string, index = 0): string {
  const call = repliesIn(slack, threadTs)[index];
  const message = [...slack.messages.values()].filter((m) => m.thread_ts === threadTs)[index];
  if (!call || !message) throw new Error(`no reply ${index} in thread ${threadTs}`);
  return message.ts;
}

export function blocksOf(call: RecordedSlackCall | { blocks: unknown[] }): MessageBlock[] {
  const blocks = 'body' in call ? call.body.blocks : call.blocks;
  return (Array.isArray(blocks) ? blocks : []) as MessageBlock[];
}

/** What a person reads in a message's blocks, table rows as `a | b`. */
export function visibleText(blocks: MessageBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'section') return block.text.text;
      if (block.type === 'context') return block.elements.map((e) => e.text).join(' ');
      if (block.type === 'actions') return block.elements.map((e) => e.text.text).join(' ');
      // A picture reads as its alt text, as a screen reader says it.
      if (block.type === 'image') return block.alt_text;
      return block.rows.map((row) => row.map((cell) => cell.text).join(' | ')).join('\n');
    })
    .join('\n');
}

/** The table block's rows (header first), or undefined. */
export function tableRows(blocks: MessageBlock[]): string[][] | undefined {
  const table = blocks.find((block) => block.type === 'table');
  return table?.type === 'table'
    ? table.rows.map((row) => row.map((cell) => cell.text))
    : undefined;
}

/** The final state of the bot's reply: a message whose buttons or error show the answer is complete. */
export function isFinal(blocks: MessageBlock[]): boolean {
  const text = visibleText(blocks);
  return blocks.some((block) => block.type === 'actions') || text.startsWith(':x:');
}

/** Polls an async check until it passes (returns true), failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
