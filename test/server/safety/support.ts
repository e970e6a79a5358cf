import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type WebSocket from 'ws';
import { parseConfig } from '../../../server/src/config.js';
import { startQuarryServer } from '../../../server/src/server.js';
import { startFakeOpenAI } from '../../fakes/openaiServer.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  query,
  type TestQuarry,
} from '../../support/quarry.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface LogLine {
  level: number;
  msg: string;
  raw: string;
  [key: string]: unknown;
}

export interface LoggedQuarry extends TestQuarry {
  /** Every line the server logged, parsed, in order. */
  logs: LogLine[];
}

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/**
 * Like `startTestQuarry`, but the server logs (JSON lines, level `level`) into `logs` so a test
 * can assert what operators would read. No redaction is configured here: a secret must never
 * be handed to the logger in the first place.
 */
export async function startLoggedQuarry(
  env: Record<string, string> = {},
  level: 'trace' | 'debug' | 'info' = 'info',
): Promise<LoggedQuarry> {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-safety-'));
  const fake = await startFakeOpenAI({ models: ['fake-sql-model'] });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const raw of chunk.toString('utf8').split('\n')) {
        if (raw.trim()) logs.push({ ...(JSON.parse(raw) as LogLine), raw });
      }
      done();
    },
  });
  const config = parseConfig({
    PORT: '0',
    APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: 'test-key',
    ADMIN_TOKEN,
    ASK_INTENT_CLASSIFICATION: 'false',
    ASK_REASONING: 'false',
    LLM_TIMEOUT_MS: '5000',
    LLM_MAX_RETRIES: '0',
    ...env,
  });
  const server = await startQuarryServer(config, pino({ level }, sink), {
    print: () => undefined,
    demoDatabasePath: join(dir, 'demo.sqlite'),
  });
  return {
    server,
    fake,
    logs,
    baseUrl: `http://127.0.0.1:${server.port}`,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    dir,
    async close() {
      await server.close();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One question on a fresh text-mode connection: the frames' texts. */
export async function askText(
  wsUrl: string,
  question: string,
  extra: Record<string, unknown> = {},
): Promise<string[]> {
  const ws = await connect(wsUrl);
  try {
    return (await collectFrames(ws, query(question, extra))).map((frame) => frame.text);
  } finally {
    ws.close();
  }
}

/** One question on a fresh events-mode connection: the parsed events. */
export async function askEvents(
  wsUrl: string,
  question: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>[]> {
  const url = new URL(wsUrl);
  url.searchParams.set('format', 'json');
  const ws = await connect(url.href);
  try {
    const frames = await collectFrames(ws, query(question, extra), isClosingEvent);
    return frames.map((frame) => JSON.parse(frame.text) as Record<string, unknown>);
  } finally {
    ws.close();
  }
}

/** The next `count` frames a socket receives, as text. */
export function nextFrames(ws: WebSocket, count: number, timeoutMs = 10_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const frames: string[] = [];
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error(`got ${frames.length} of ${count} frames:\n${frames.join('\n')}`));
    }, timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      frames.push(data.toString());
      if (frames.length < count) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(frames);
    };
    ws.on('message', onMessage);
  });
}

export const sqlReply = (sql: string) => `\`\`\`sql\n${sql}\n\`\`\``;
