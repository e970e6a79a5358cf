import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { query } from '../../support/quarry.js';
import { askText, type LoggedQuarry, sqlReply, startLoggedQuarry } from './support.js';

const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

/** mulberry32: the same seed gives the same bytes, so a failure can be replayed. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (max: number) => Math.floor(next() * max),
    bytes: (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256))),
  };
}

/** Opens a socket that the server may close or refuse; never throws. */
function rawSocket(url: string): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    ws.on('error', () => resolve(undefined));
    ws.once('open', () => resolve(ws));
  });
}

/** Waits for a socket to close, for at most `ms`. */
const closedWithin = (ws: WebSocket, ms: number) =>
  Promise.race([
    once(ws, 'close').then(([code]) => code as number),
    new Promise<undefined>((done) => setTimeout(() => done(undefined), ms)),
  ]);

/** Writes bytes on a raw TCP connection to the server, then drops it. */
async function rawTcp(port: number, payload: Buffer | string, endAbruptly: boolean) {
  const socket = tcpConnect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(payload);
  await new Promise((done) => setTimeout(done, 20));
  if (endAbruptly) socket.destroy();
  else socket.end();
}

describe('fuzzed WebSocket input', () => {
  const SEED = 20_260_105;
  let quarry: LoggedQuarry;
  beforeAll(async () => {
    quarry = await startLoggedQuarry();
    quarry.fake.onChat(() => sqlReply(SQL));
  });
  afterAll(() => quarry?.close());

  it('leaves the server answering a well-behaved client throughout and after', async () => {
    const random = randomSource(SEED);
    const port = quarry.server.port;
    let attacking = true;
    const answers: string[] = [];
    // The well-behaved client asks again and again while the others misbehave.
    const wellBehaved = (async () => {
      for (let i = 0; i < 200 && (attacking || i < 3); i += 1) {
        // A user of its own: the attackers share its address, and so its per-address limit.
        const texts = await askText(quarry.wsUrl, `前三个部门 ${i}`, { user: 'well-behaved' });
        answers.push(texts.at(-1) ?? '');
        expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
      }
    })();

    const attacks: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round += 1) {
      // Random bytes as text (mostly invalid UTF-8: the ws library closes with 1007) and binary.
      for (let i = 0; i < 5; i += 1) {
        const ws = await rawSocket(quarry.wsUrl);
        if (!ws) continue;
        const binary = random.int(2) === 0;
        ws.send(random.bytes(1 + random.int(4096)), { binary });
        attacks.push(closedWithin(ws, 300).then(() => ws.terminate()));
      }
      // A flood from several connections at once.
      for (let i = 0; i < 3; i += 1) {
        const ws = await rawSocket(`${quarry.wsUrl}?format=json`);
        if (!ws) continue;
        for (let n = 0; n < 150 && ws.readyState === WebSocket.OPEN; n += 1) {
          ws.send(
            n % 3 === 0 ? query('x'.repeat(random.int(100))) : random.bytes(32).toString('latin1'),
          );
        }
        attacks.push(closedWithin(ws, 2000).then(() => ws.terminate()));
      }
      // Half-open: a question, then the socket vanishes without a close frame.
      const halfOpen = await rawSocket(quarry.wsUrl);
      if (halfOpen) {
        halfOpen.send(query('问完就走'));
        halfOpen.terminate();
      }
      // Garbage where the HTTP upgrade should be, and upgrades that stop half-way.
      await rawTcp(port, random.bytes(512), random.int(2) === 0);
      await rawTcp(
        port,
        'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
        false,
      );
      await rawTcp(port, 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: webso', true);
    }

    // One frame beyond the 16 MiB hard limit: that connection is closed (1009), nothing else.
    const huge = await rawSocket(quarry.wsUrl);
    expect(huge).toBeDefined();
    if (huge) {
      huge.send(Buffer.alloc(17 * 1024 * 1024, 0x61), { binary: false });
      expect(await closedWithin(huge, 10_000)).toBe(1009);
    }

    await Promise.all(attacks);
    attacking = false;
    await wellBehaved;

    expect(answers.length).toBeGreaterThanOrEqual(3);
    for (const answer of answers) {
      expect(JSON.parse(answer)).toMatchObject({ status: 'success', sql: SQL });
    }
    expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
    const texts = await askText(quarry.wsUrl, '最后再问一次');
    expect(JSON.parse(texts.at(-1) ?? '{}')).toMatchObject({ status: 'success', sql: SQL });
  });
});
