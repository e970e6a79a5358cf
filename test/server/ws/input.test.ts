import { seedMessages } from '@quarry/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  collectFrames,
  connect,
  isClosingEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

/** Waits for the next frame on a socket. */
function nextFrame(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(data.toString())));
}

describe('/ws streaming, bad input and events mode', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
  });
  afterAll(() => quarry?.close());

  it('delivers the first SQL chunk before the model has finished', async () => {
    const chunks = [
      '```sql\n',
      'SELECT name ',
      'FROM departments ',
      'ORDER BY id ',
      'LIMIT 3',
      '\n```',
    ];
    quarry.fake.enqueue({ content: chunks.join(''), chunks, chunkDelayMs: 250 });
    const ws = await connect(quarry.wsUrl);
    const frames = await collectFrames(ws, query('前三个部门'));
    ws.close();
    const first = frames.find((frame) => frame.text === chunks[0]);
    const done = frames.find((frame) => frame.text === 'DONE');
    expect(first).toBeDefined();
    expect(done).toBeDefined();
    // Five gaps of 250 ms separate the first chunk from the last: the first arrived while the
    // model was still writing.
    expect((done?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThan(900);
    expect(frames.map((frame) => frame.text)).toContain(`最终SQL语句: ${SQL}`);
  });

  it.each([
    ['not JSON', 'hello', /not valid JSON/],
    ['no query', JSON.stringify({ type: 'query' }), /"query" is required/],
    ['a wrong type', JSON.stringify({ type: 'subscribe', query: 'x' }), /Invalid "type"/],
    ['an empty query', JSON.stringify({ type: 'query', query: '   ' }), /must not be empty/],
    ['a JSON array', '[1,2]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    [
      'a query that is a number',
      JSON.stringify({ type: 'query', query: 123 }),
      /Invalid "query": "query" must be a string/,
    ],
    [
      'a thread id that is an object',
      JSON.stringify({ type: 'query', query: 'x', thread_id: {} }),
      /Invalid "thread_id"/,
    ],
  ])('answers %s with an error frame and keeps the connection', async (_case, payload, message) => {
    const ws = await connect(quarry.wsUrl);
    const reply = nextFrame(ws);
    ws.send(payload);
    const frame = JSON.parse(await reply) as { status: string; message: string };
    expect(frame.status).toBe('error');
    expect(frame.message).toMatch(message);

    quarry.fake.enqueue(`\`\`\`sql\n${SQL}\n\`\`\``);
    const frames = await collectFrames(ws, query('前三个部门'));
    expect(JSON.parse(frames.at(-1)?.text ?? '{}').status).toBe('success');
    ws.close();
  });

  it.each([
    ['text', '', 64 * 1024 + 1],
    ['events', '?format=json', 2 * 1024 * 1024],
  ])(
    'refuses a message over 64 KiB in %s mode: an error frame, then the library closes (1009) without reading it',
    async (_mode, search, bytes) => {
      const ws = await connect(`${quarry.wsUrl}${search}`);
      const reply = nextFrame(ws);
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send('x'.repeat(bytes));
      const message = `The message is ${bytes} bytes; at most 65536 bytes are accepted.`;
      expect(JSON.parse(await reply)).toEqual(
        search
          ? { type: 'error', code: 'PAYLOAD_TOO_LARGE', message }
          : { status: 'error', message },
      );
      expect(await closed).toBe(1009);

      // A message of exactly the limit is read (and refused as what it is: not JSON).
      const next = await connect(quarry.wsUrl);
      const answer = nextFrame(next);
      next.send('x'.repeat(64 * 1024));
      expect(JSON.parse(await answer).message).toMatch(/not valid JSON/);
      quarry.fake.enqueue(`\`\`\`sql\n${SQL}\n\`\`\``);
      const frames = await collectFrames(next, query('前三个部门'));
      expect(JSON.parse(frames.at(-1)?.text ?? '{}').status).toBe('success');
      next.close();
    },
  );

  it('answers a binary frame with an error frame', async () => {
    const ws = await connect(quarry.wsUrl);
    const reply = nextFrame(ws);
    ws.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    expect(JSON.parse(await reply)).toEqual({
      status: 'error',
      message: 'Binary frames are not supported: send one JSON text frame per question.',
    });
    ws.close();
  });

  it('sends typed events with ?format=json', async () => {
    quarry.fake.enqueue({
      content: `\`\`\`sql\n${SQL}\n\`\`\``,
      chunks: ['```sql\n', SQL, '\n```'],
    });
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    const frames = (await collectFrames(ws, query('前三个部门'), isClosingEvent)).map(
      (frame) => JSON.parse(frame.text) as Record<string, unknown>,
    );
    ws.close();
    const askId = frames[0]?.ask_id;
    expect(typeof askId).toBe('string');
    expect(frames.every((frame) => frame.ask_id === askId)).toBe(true);
    const types = frames.map((frame) => frame.type);
    expect(types[0]).toBe('status');
    expect(types).toContain('retrieved');
    // Chunks that arrive together may share a frame; the text is the model's, whole.
    const chunks = frames.filter((frame) => frame.type === 'sql_chunk');
    expect(chunks.map((frame) => frame.delta).join('')).toBe(`\`\`\`sql\n${SQL}\n\`\`\``);
    expect(chunks.at(-1)?.sql).toBe(`\`\`\`sql\n${SQL}\n\`\`\``);
    expect(frames.find((frame) => frame.type === 'sql')?.sql).toBe(SQL);
    expect(frames.find((frame) => frame.type === 'result')).toMatchObject({
      sql: SQL,
      columns: ['name'],
      row_count: 3,
      capped: false,
    });
    // One terminal status, and nothing after it.
    const terminal = frames.filter(
      (frame) =>
        frame.type === 'status' &&
        ['finished', 'failed', 'stopped'].includes(frame.status as string),
    );
    expect(terminal).toEqual([frames.at(-1)]);
    expect(terminal[0]).toMatchObject({
      type: 'status',
      status: 'finished',
      step: 'done',
      ask_id: askId,
    });
    expect(types.indexOf('result')).toBeLessThan(types.length - 1);
    expect(
      frames.filter((frame) => frame.type === 'status').map((frame) => frame.message),
    ).toContain(seedMessages.received);
  });

  it('records every ask in the history', async () => {
    quarry.fake.enqueue(`\`\`\`sql\n${SQL}\n\`\`\``);
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    const frames = await collectFrames(ws, query('历史记录里的问题'), isClosingEvent);
    ws.close();
    const askId = (JSON.parse(frames[0]?.text ?? '{}') as { ask_id: string }).ask_id;
    await expect
      .poll(async () => (await quarry.server.store.asks.get(askId))?.status)
      .toBe('finished');
    const record = await quarry.server.store.asks.get(askId);
    expect(record).toMatchObject({
      question: '历史记录里的问题',
      source: 'ws',
      sql: SQL,
      row_count: 3,
    });
  });

  it('records which client and user asked when the client says so', async () => {
    quarry.fake.enqueue(`\`\`\`sql\n${SQL}\n\`\`\``);
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    const frames = await collectFrames(
      ws,
      query('谁问的', { source: 'slack', user: 'U123', user_name: '  韩梅梅  ' }),
      isClosingEvent,
    );
    ws.close();
    const askId = (JSON.parse(frames[0]?.text ?? '{}') as { ask_id: string }).ask_id;
    await expect
      .poll(async () => (await quarry.server.store.asks.get(askId))?.status)
      .toBe('finished');
    expect(await quarry.server.store.asks.get(askId)).toMatchObject({
      source: 'slack',
      asked_by: 'U123',
      asked_by_name: '韩梅梅',
    });
  });
});
