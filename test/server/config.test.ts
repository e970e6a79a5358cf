import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/src/config.js';
import { DEFAULT_WS_LIMITS } from '../../server/src/ws/wsServer.js';

const failure = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('configuration', () => {
  it('runs on the embedded defaults with nothing set', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      appDatabaseUrl: 'sqlite:./data/quarry.sqlite',
      redisUrl: undefined,
      askQueue: { name: 'asks', concurrency: 20 },
      ask: { intentClassification: true, reasoning: true, rewriteMaxAttempts: 3 },
      apiTokens: [],
      slack: undefined,
      logLevel: 'info',
    });
  });

  it('parses the in-process Slack bot once, by the bot’s rules, from the same environment', () => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'shh',
      SLACK_PORT: '',
      API_TOKENS: 'first, second',
    });
    expect(config.slack).toMatchObject({
      slack: { botToken: 'xoxb-1', signingSecret: 'shh', port: 3001, appToken: undefined },
      quarry: { wsUrl: 'ws://localhost:3000/ws', apiToken: 'first', serverUrlSet: false },
    });
    const pointed = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      QUARRY_SERVER_URL: 'wss://quarry.example.com/ws',
    });
    expect(pointed.slack?.quarry).toMatchObject({
      wsUrl: 'wss://quarry.example.com/ws',
      httpBaseUrl: 'https://quarry.example.com',
      serverUrlSet: true,
    });
    expect(failure({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' })).toBe(
      'Invalid configuration: SLACK_APP_TOKEN must be an app-level token starting with xapp-',
    );
    expect(failure({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(
      /^Invalid configuration: SLACK_SIGNING_SECRET is required for HTTP events/,
    );
  });

  it('defaults the /ws limits to the WebSocket server’s own', () => {
    expect(parseConfig({}).limits).toEqual({
      wsMessagesPerSecond: DEFAULT_WS_LIMITS.messagesPerSecond,
      wsMessageBurst: DEFAULT_WS_LIMITS.messageBurst,
      wsSendBufferBytes: DEFAULT_WS_LIMITS.sendBufferBytes,
      wsSendStallMs: DEFAULT_WS_LIMITS.sendStallMs,
      asksPerConnection: DEFAULT_WS_LIMITS.maxConcurrentAsks,
      asksPerUser: 8,
    });
  });

  it('treats empty values as unset and splits API_TOKENS', () => {
    const config = parseConfig({ PORT: '', API_TOKENS: ' a, b ,,c ', ASK_REASONING: 'false' });
    expect(config.port).toBe(3000);
    expect(config.apiTokens).toEqual(['a', 'b', 'c']);
    expect(config.ask.reasoning).toBe(false);
  });

  it('takes the mariadb:// spelling of a MySQL URL', () => {
    const config = parseConfig({
      DATABASE_URL: 'mariadb://reader:pw@db:3306/erp',
      APP_DATABASE_URL: 'mariadb://quarry:pw@db:3306/quarry',
    });
    expect(config.databaseUrl).toBe('mariadb://reader:pw@db:3306/erp');
    expect(config.appDatabaseUrl).toBe('mariadb://quarry:pw@db:3306/quarry');
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT must be a whole number \(got "eighty"\)$/],
    [
      { SQL_REWRITE_MAX_ATTEMPTS: '99' },
      /^Invalid configuration: SQL_REWRITE_MAX_ATTEMPTS must be at most 10/,
    ],
    [{ ASK_REASONING: 'maybe' }, /^Invalid configuration: ASK_REASONING must be true or false/],
    [
      { REDIS_URL: 'localhost:6379' },
      /^Invalid configuration: REDIS_URL must be redis:\/\/host:port/,
    ],
    [
      { HOST: 'every interface' },
      /^Invalid configuration: HOST must be an IP address or a host name/,
    ],
    [
      { OPENAI_BASE_URL: 'ftp://x' },
      /^Invalid configuration: OPENAI_BASE_URL must be an http\(s\) URL/,
    ],
  ])('stops at a bad value with one line naming the variable: %o', (env, message) => {
    const line = failure(env);
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });

  it('never shows a secret or a password in that line', () => {
    const url = failure({ DATABASE_URL: 'mysq://reader:TopSecret@db/x' });
    expect(url).toMatch(/^Invalid configuration: DATABASE_URL must be mysql:\/\//);
    expect(url).toContain('reader:***@db/x');
    expect(url).not.toContain('TopSecret');
    const token = failure({ ADMIN_TOKEN: 'short-secret' });
    expect(token).toBe(
      'Invalid configuration: ADMIN_TOKEN must be at least 16 characters (got a value, not shown)',
    );
  });
});
