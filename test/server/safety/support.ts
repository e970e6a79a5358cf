import { Writable } from 'node:stream';
import { pino } from 'pino';
import type WebSocket from 'ws';
import {
  collectFrames,
  connect,
  isClosingEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

export { ADMIN_TOKEN } from '../../support/adminToken.js';

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
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const raw of chunk.toString('utf8').split('\n')) {
        if (raw.trim()) logs.push({ ...(JSON.parse(raw) as LogLine), raw });
      }
      done();
    },
  });
  const quarry = await startTestQuarry(env, { logger: pino({ level }, sink) });
  return { ...quarry, logs };
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

export { outcomeEvent } from '../../support/quarry.js';

export const sqlReply = (sql: string) => `\`\`\`sql\n${sql}\n\`\`\``;
