import { describe, expect, it } from 'vitest';
import { httpBaseOf, isSlackBotConfigured, loadBotConfig } from '../../bot/src/config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

describe('loadBotConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadBotConfig(base);
    expect(config.slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 'secret',
      appToken: undefined,
      port: 3001,
      apiUrl: undefined,
    });
    expect(config.quarry).toEqual({
      wsUrl: 'ws://localhost:3000/ws',
      httpBaseUrl: 'http://localhost:3000',
      apiToken: undefined,
    });
    expect(config.logLevel).toBe('info');
  });

  it('sends the first API token and derives the HTTP base from the /ws URL', () => {
    const config = loadBotConfig({
      ...base,
      API_TOKENS: ' t1 , t2',
      QUARRY_SERVER_URL: 'wss://quarry.example.com/q/ws',
    });
    expect(config.quarry).toEqual({
      wsUrl: 'wss://quarry.example.com/q/ws',
      httpBaseUrl: 'https://quarry.example.com/q',
      apiToken: 't1',
    });
    expect(httpBaseOf('ws://127.0.0.1:3000/ws?token=x')).toBe('http://127.0.0.1:3000');
  });

  it('names the bad variable in one line', () => {
    expect(() => loadBotConfig({ ...base, SLACK_PORT: 'eighty' })).toThrow(
      /^SLACK_PORT must be a whole number$/,
    );
    expect(() => loadBotConfig({ ...base, QUARRY_SERVER_URL: 'http://x/ws' })).toThrow(
      /^QUARRY_SERVER_URL must be a ws:\/\/ or wss:\/\/ URL$/,
    );
    expect(() => loadBotConfig({ SLACK_SIGNING_SECRET: 's' })).toThrow(
      /^SLACK_BOT_TOKEN is required/,
    );
    expect(() => loadBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /^SLACK_SIGNING_SECRET is required for HTTP events/,
    );
    expect(() => loadBotConfig({ ...base, SLACK_APP_TOKEN: 'xoxb-2' })).toThrow(
      /^SLACK_APP_TOKEN must be an app-level token/,
    );
    expect(() => loadBotConfig({ ...base, LOG_LEVEL: 'loud' })).toThrow(
      /^LOG_LEVEL must be one of/,
    );
  });

  it('uses Socket Mode without a signing secret', () => {
    const config = loadBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(config.slack.appToken).toBe('xapp-1');
    expect(isSlackBotConfigured({ SLACK_BOT_TOKEN: ' ' })).toBe(false);
    expect(isSlackBotConfigured({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(true);
  });
});
