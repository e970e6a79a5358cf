import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { connect, outcomeEvent, query, type TestQuarry } from '../../support/quarry.js';
import { askEvents, nextFrames, sqlReply, startLoggedQuarry } from './support.js';

const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';
const parse = (text: string) =>
  JSON.parse(text) as { type?: string; code?: string; message?: string };

describe('/ws input limits', () => {
  let quarry: TestQuarry;
  const sockets: WebSocket[] = [];
  const open = async (suffix = '?format=json') => {
    const ws = await connect(`${quarry.wsUrl}${suffix}`);
    sockets.push(ws);
    return ws;
  };
  beforeAll(async () => {
    quarry = await startLoggedQuarry({
      WS_MESSAGES_PER_SECOND: '1',
      WS_MESSAGE_BURST: '5',
      ASK_MAX_CONCURRENT_PER_CONNECTION: '2',
      ASK_MAX_CONCURRENT_PER_USER: '3',
    });
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.terminate();
    quarry.fake.reset();
  });
  afterAll(() => quarry?.close());

  it('refuses messages beyond the rate with RATE_LIMITED and keeps the connection', async () => {
    const ws = await open();
    const replies = nextFrames(ws, 8);
    for (let i = 0; i < 8; i += 1) ws.send('hello');
    const frames = (await replies).map(parse);
    // The burst of 5 is read (and refused as not JSON); the rest are refused for rate.
    expect(frames.slice(0, 5).every((frame) => frame.code === 'BAD_REQUEST')).toBe(true);
    const limited = frames.filter((frame) => frame.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0]).toEqual({
      type: 'error',
      code: 'RATE_LIMITED',
      message: 'Too many messages: send at most 1 messages per second (bursts of 5).',
    });

    // The bucket refills: after a pause the same connection is answered.
    await new Promise((done) => setTimeout(done, 1200));
    quarry.fake.enqueue(sqlReply(SQL));
    const answer = nextFrames(ws, 1, 10_000);
    ws.send(query('前三个部门'));
    expect(parse((await answer)[0] ?? '{}').type).toBe('status');
  });

  it('closes a connection that keeps flooding with 1008 after a clear error; others go on', async () => {
    const flooder = await open('');
    const texts: string[] = [];
    flooder.on('message', (data) => texts.push(data.toString()));
    const closed = once(flooder, 'close');
    for (let i = 0; i < 300 && flooder.readyState === flooder.OPEN; i += 1) flooder.send('x');
    const [code] = (await closed) as [number];
    expect(code).toBe(1008);
    const last = JSON.parse(texts.at(-1) ?? '{}') as { status: string; message: string };
    expect(last.status).toBe('error');
    expect(last.message).toMatch(/^Too many messages: 100 in a row .*closing the connection\.$/);

    quarry.fake.enqueue(sqlReply(SQL));
    const events = await askEvents(quarry.wsUrl, '前三个部门');
    expect(outcomeEvent(events)).toMatchObject({ type: 'result', row_count: 3 });
    expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
  });

  it('limits the asks running per connection and per user, across connections', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    quarry.fake.onChat(async () => {
      await gate;
      return sqlReply(SQL);
    });
    const started = (ws: WebSocket, user: string) => {
      const first = nextFrames(ws, 1);
      ws.send(query(`问题 ${user}`, { user }));
      return first.then(([text]) => parse(text ?? '{}'));
    };
    const [a, b, c] = [await open(), await open(), await open()];
    expect(await started(a, 'U1')).toMatchObject({ type: 'status' });
    expect(await started(a, 'U2')).toMatchObject({ type: 'status' });
    expect(await started(a, 'U3')).toEqual({
      type: 'error',
      code: 'RATE_LIMITED',
      message: 'At most 2 questions may run at once on one connection; wait for an answer first.',
    });
    expect(await started(b, 'U1')).toMatchObject({ type: 'status' });
    expect(await started(c, 'U1')).toMatchObject({ type: 'status' });
    // U1 has three running (on three connections): a fourth waits, another user does not.
    expect(await started(c, 'U1')).toEqual({
      type: 'error',
      code: 'RATE_LIMITED',
      message: 'At most 3 questions may run at once for one user; wait for an answer first.',
    });
    expect(await started(c, 'U4')).toMatchObject({ type: 'status' });

    release();
    await expect
      .poll(
        async () => outcomeEvent(await askEvents(quarry.wsUrl, '再问一次', { user: 'U1' }))?.type,
        {
          timeout: 10_000,
        },
      )
      .toBe('result');
  });
});
