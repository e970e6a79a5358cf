import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openaiServer.js';
import { ADMIN_TOKEN } from '../../support/adminToken.js';
import { type ForkedServer, forkServer } from '../../support/forkServer.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
} from '../../support/quarry.js';
import { sqlReply } from './support.js';

const ROWS = 2000;
const PAYLOAD_CHARS = 5000;
/** Each answer is one ~10 MB result frame. */
const SQL = 'SELECT id, payload FROM big ORDER BY id';
const QUESTIONS = 40;
const MB = 1024 * 1024;
/**
 * The bound this test holds the server to: while a client that never reads asks 40 questions
 * with ~10 MB answers, server RSS grows by at most this over the warmed-up baseline (measured
 * 30–110 MB: the answers of the few asks accepted before it fell behind, held once in the socket
 * and once for polls, and another client's 10 MB answer). Without backpressure every answer
 * piles up: 200+ MB within 12 s and rising, and the asks are never stopped.
 */
const PEAK_GROWTH_BOUND = 160 * MB;
/** After that client is gone, RSS is back within this of the baseline. */
const SETTLED_GROWTH_BOUND = 60 * MB;

/** A masked client text frame, as a browser would send it. */
function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
  return Buffer.concat([length, mask, masked]);
}

/** A WebSocket client on a raw socket that completes the handshake and then never reads. */
async function neverReadingClient(port: number): Promise<Socket> {
  const socket = tcpConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    [
      'GET /ws?format=json HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  const [response] = (await once(socket, 'data')) as [Buffer];
  expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
  // From here on nothing is read: the kernel's buffers fill, then the server's.
  socket.pause();
  return socket;
}

describe('a client that never reads its answers', { timeout: 120_000 }, () => {
  let dir: string;
  let fake: FakeOpenAI;
  let server: ForkedServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-slow-'));
    const bigFile = join(dir, 'big.sqlite');
    const db = new Database(bigFile);
    db.exec('CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT)');
    const insert = db.prepare('INSERT INTO big (id, payload) VALUES (?, ?)');
    db.transaction(() => {
      for (let id = 1; id <= ROWS; id += 1) {
        insert.run(id, randomBytes(PAYLOAD_CHARS / 2).toString('hex'));
      }
    })();
    db.close();
    fake = await startFakeOpenAI({ models: ['fake-sql-model'] });
    fake.onChat(() => sqlReply(SQL));
    server = await forkServer({
      PORT: '0',
      DATABASE_URL: `sqlite:${bigFile}`,
      APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: 'test-key',
      ADMIN_TOKEN,
      ASK_INTENT_CLASSIFICATION: 'false',
      ASK_REASONING: 'false',
      QUERY_ROW_LIMIT: String(ROWS),
      // Answers of ~10 MB on purpose: the byte cap on results is another test's subject.
      QUERY_RESULT_MAX_BYTES: String(64 * MB),
      WS_SEND_BUFFER_BYTES: String(2 * MB),
      WS_SEND_STALL_MS: '3000',
      LOG_LEVEL: 'warn',
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One question on a fresh, reading events-mode connection: its result event. */
  const askAndRead = async () => {
    const ws = await connect(`ws://127.0.0.1:${server.port}/ws?format=json`);
    try {
      const frames = await collectFrames(ws, query('所有行'), isClosingEvent, 60_000);
      return (outcomeEvent(
        frames.map((frame) => JSON.parse(frame.text) as { type: string; row_count?: number }),
      ) ?? { type: '' }) as { type: string; row_count?: number };
    } finally {
      ws.close();
    }
  };

  it('keeps server memory bounded, stops its asks, answers others, and frees it all when it leaves', async () => {
    // Warm up (code paths, pools, caches), then the baseline.
    for (let round = 0; round < 2; round += 1) {
      expect(await askAndRead()).toMatchObject({ type: 'result', row_count: ROWS });
    }
    const baseline = (await server.memory()).rss;

    const slow = await neverReadingClient(server.port);
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await server.memory()).rss);
        await new Promise((tick) => setTimeout(tick, 200));
      }
    })();
    const stalled = server.printed(/not reading its frames: stopping its running asks/);
    // Within the message rate (5 per second): every question reaches the server.
    for (let n = 0; n < QUESTIONS; n += 1) {
      slow.write(clientTextFrame(query(`所有行 ${n}`)));
      await new Promise((tick) => setTimeout(tick, 220));
    }
    const warning = JSON.parse(await stalled) as { askIds: string[]; bufferedBytes: number };
    expect(warning.bufferedBytes).toBeGreaterThan(2 * MB);
    // Meanwhile everyone else is answered in full.
    expect(await askAndRead()).toMatchObject({ type: 'result', row_count: ROWS });
    sampling = false;
    await sampler;
    expect(peak - baseline, `RSS grew by ${Math.round((peak - baseline) / MB)} MB`).toBeLessThan(
      PEAK_GROWTH_BOUND,
    );

    slow.destroy();
    await expect
      .poll(async () => (await server.memory()).rss - baseline, { timeout: 30_000, interval: 500 })
      .toBeLessThan(SETTLED_GROWTH_BOUND);
    expect(await askAndRead()).toMatchObject({ type: 'result', row_count: ROWS });
  });
});
