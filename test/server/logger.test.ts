import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createBotLogger } from '../../bot/src/logger.js';
import { parseConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';

/** A destination that keeps what is written, claiming to be a terminal or not. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join('') });
}

describe('logs', () => {
  it('writes one JSON object per line when stdout is not a terminal', () => {
    const out = capture(false);
    const logger = createLogger('info', 'quarry', out);
    logger.info({ ask_id: 'a1', token: 'secret-token' }, 'WebSocket发送');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, name: 'quarry', ask_id: 'a1', msg: 'WebSocket发送' });
    expect(line.token).toBe('[redacted]');
  });

  it('writes short readable lines in a terminal: time, level, message, fields; no pid or host', () => {
    const out = capture(true);
    const logger = createLogger('info', 'quarry', out);
    logger.info({ ask_id: 'a1', token: 'secret-token' }, 'WebSocket发送');
    logger.debug('not at this level');
    const lines = stripVTControlCharacters(out.text()).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: WebSocket发送 \{.*"ask_id":"a1".*\}$/,
    );
    expect(lines[0]).toContain('[redacted]');
    expect(lines[0]).not.toContain('secret-token');
    expect(lines[0]).not.toMatch(/pid|hostname|"name"/);
  });
});

describe('one redaction list for the server and the bot', () => {
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-bot-token-value',
    SLACK_SIGNING_SECRET: 'signing-secret-value',
    SLACK_APP_TOKEN: 'xapp-app-token-value',
    API_TOKENS: 'api-token-value',
    OPENAI_API_KEY: 'sk-model-key-value',
  };
  const secrets = Object.values(env);
  const config = parseConfig(env);

  it('keeps the bot’s tokens and signing secret out of the server’s log, where the in-process bot writes', () => {
    const out = capture(false);
    // What the bot logs inside the server goes through the server's logger (a child of it).
    const bot = createLogger('info', 'quarry', out).child({ component: 'slack-bot' });
    bot.info({ slack: config.slack?.slack }, 'Slack bot configuration');
    bot.info(
      {
        botToken: env.SLACK_BOT_TOKEN,
        signingSecret: env.SLACK_SIGNING_SECRET,
        appToken: env.SLACK_APP_TOKEN,
        quarry: config.slack?.quarry,
        llm: config.llm,
      },
      'everything at once',
    );
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>);
    expect(lines[0]?.slack).toMatchObject({
      botToken: '[redacted]',
      signingSecret: '[redacted]',
      appToken: '[redacted]',
      port: 3001,
    });
    expect(lines[1]).toMatchObject({
      botToken: '[redacted]',
      signingSecret: '[redacted]',
      appToken: '[redacted]',
      quarry: { apiToken: '[redacted]', wsUrl: 'ws://localhost:3000/ws' },
      llm: { apiKey: '[redacted]' },
    });
    for (const secret of secrets) expect(out.text()).not.toContain(secret);
  });

  it('redacts the same fields in the standalone bot’s log', () => {
    const out = capture(false);
    createBotLogger('info', out).info(
      { slack: config.slack?.slack, quarry: config.slack?.quarry, llm: config.llm },
      'configuration',
    );
    const line = JSON.parse(out.text().trim()) as Record<string, Record<string, unknown>>;
    expect(line.slack).toMatchObject({ botToken: '[redacted]', signingSecret: '[redacted]' });
    expect(line.llm).toMatchObject({ apiKey: '[redacted]' });
    for (const secret of secrets) expect(out.text()).not.toContain(secret);
  });
});
