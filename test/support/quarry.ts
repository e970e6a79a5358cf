import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parseConfig } from '../../server/src/config.js';
import { createLogger, type Logger } from '../../server/src/logger.js';
import { type RunningServer, startQuarryServer } from '../../server/src/server.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openaiServer.js';
import { ADMIN_TOKEN } from './adminToken.js';

export interface TestQuarry {
  server: RunningServer;
  /** The environment the server was configured from, for a worker that joins it. */
  env: Record<string, string>;
  fake: FakeOpenAI;
  baseUrl: string;
  wsUrl: string;
  dir: string;
  close(): Promise<void>;
}

/**
 * A real Quarry server on an ephemeral port, its app database in a temp dir, its model the
 * scripted fake. `env` adds or overrides environment variables (contract names); `logger`
 * replaces the silent one (a test that reads the logs).
 */
export async function startTestQuarry(
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestQuarry> {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-test-'));
  const fake = await startFakeOpenAI({ models: ['fake-sql-model'] });
  const merged: Record<string, string> = {
    PORT: '0',
    APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: 'test-key',
    ADMIN_TOKEN,
    ASK_INTENT_CLASSIFICATION: 'false',
    ASK_REASONING: 'false',
    // Off unless a test is about them: each is a model call after the rows, which the scripted
    // model of a test about something else would have to answer.
    ASK_ANSWER: 'false',
    ASK_CHART: 'false',
    ASK_FOLLOW_UPS: 'false',
    LLM_TIMEOUT_MS: '5000',
    LLM_MAX_RETRIES: '0',
    LOG_LEVEL: 'silent',
    ...env,
  };
  const config = parseConfig(merged);
  const logger = options.logger ?? createLogger(config.logLevel);
  const server = await startQuarryServer(config, logger, {
    print: () => undefined,
    demoDatabasePath: join(dir, 'demo.sqlite'),
  });
  return {
    server,
    env: merged,
    fake,
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

export interface ReceivedFrame {
  text: string;
  at: number;
}

/** Opens a WebSocket, waiting until it is open. */
export async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/**
 * Sends one frame and collects text frames until `isLast` says the answer is complete
 * (default: a JSON frame with a `status` of success or error — the seed's closing frame).
 */
export function collectFrames(
  ws: WebSocket,
  payload: string | Buffer,
  isLast: (text: string) => boolean = isClosingTextFrame,
  timeoutMs = 15_000,
): Promise<ReceivedFrame[]> {
  return new Promise((resolve, reject) => {
    const frames: ReceivedFrame[] = [];
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(
        new Error(
          `no closing frame within ${timeoutMs} ms; got:\n${frames.map((f) => f.text).join('\n')}`,
        ),
      );
    }, timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      const text = data.toString();
      frames.push({ text, at: performance.now() });
      if (isLast(text)) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(frames);
      }
    };
    ws.on('message', onMessage);
    ws.send(payload);
  });
}

export function isClosingTextFrame(text: string): boolean {
  if (!text.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(text) as { status?: unknown };
    return parsed.status === 'success' || parsed.status === 'error';
  } catch {
    return false;
  }
}

/** Events mode: the ask is over at its terminal `status` frame (finished, failed or stopped). */
export function isClosingEvent(text: string): boolean {
  const parsed = JSON.parse(text) as { type?: string; status?: string };
  return (
    parsed.type === 'status' &&
    (parsed.status === 'finished' || parsed.status === 'failed' || parsed.status === 'stopped')
  );
}

/**
 * The ask's outcome event among its events: its `result`, `reply` or `error` (the terminal
 * `status` comes after it, and more events may come between them).
 */
export function outcomeEvent<T extends { type?: unknown }>(events: readonly T[]): T | undefined {
  return events.findLast(
    (event) => event.type === 'result' || event.type === 'reply' || event.type === 'error',
  );
}

export const query = (question: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'query', query: question, ...extra });

/** The HTTP status `/ws` answers an upgrade with, or 101 when the connection opens. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}
