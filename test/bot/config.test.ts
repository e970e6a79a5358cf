import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV_FILE, readEnvironment } from '@quarry/shared/environment';
import { describe, expect, it } from 'vitest';
import {
  httpBaseOf,
  isSlackBotConfigured,
  loadBotConfig,
  pointedAt,
} from '../../bot/src/config.js';

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
      serverUrlSet: false,
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
      serverUrlSet: true,
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

describe('one configuration per process', () => {
  it('counts an empty value as unset, as the server does', () => {
    expect(loadBotConfig({ ...base, SLACK_PORT: '', QUARRY_SERVER_URL: ' ' })).toMatchObject({
      slack: { port: 3001 },
      quarry: { wsUrl: 'ws://localhost:3000/ws', serverUrlSet: false },
    });
  });

  it('is pointed at the server it runs inside, its HTTP base with it', () => {
    const pointed = pointedAt(loadBotConfig(base), 'ws://127.0.0.1:4123/ws');
    expect(pointed.quarry).toMatchObject({
      wsUrl: 'ws://127.0.0.1:4123/ws',
      httpBaseUrl: 'http://127.0.0.1:4123',
    });
    expect(pointed.slack).toEqual(loadBotConfig(base).slack);
  });

  it('reads the repository root’s .env for every process, real variables winning', async () => {
    // The server, a worker and the bot read the same file, wherever they were started from.
    expect(ENV_FILE).toBe(resolve(import.meta.dirname, '../../.env'));
    const dir = await mkdtemp(join(tmpdir(), 'quarry-env-'));
    const name = `QUARRY_ENV_TEST_${process.pid}`;
    try {
      await writeFile(join(dir, '.env'), `${name}_A=from-file\n${name}_B=from-file\n`);
      process.env[`${name}_B`] = 'from-environment';
      const env = readEnvironment(join(dir, '.env'));
      expect(env[`${name}_A`]).toBe('from-file');
      expect(env[`${name}_B`]).toBe('from-environment');
    } finally {
      delete process.env[`${name}_A`];
      delete process.env[`${name}_B`];
      await rm(dir, { recursive: true, force: true });
    }
  });
});
