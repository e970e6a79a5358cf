import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

const SQL =
  'SELECT d.name, COUNT(e.id) AS headcount FROM departments d LEFT JOIN employees e ON e.department_id = d.id GROUP BY d.name ORDER BY headcount DESC LIMIT 5';
const PLAN = '1. 从 departments 表出发，左连接 employees\n2. 按部门分组计数\n3. 取人数最多的五个';

/** A stream of two-character pieces, as some models write it. */
function pieces(text: string): string[] {
  return text.match(/[\s\S]{1,2}/g) ?? [];
}

type Frame = Record<string, unknown> & { type: string };

describe('/ws stream frames', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry({ ASK_REASONING: 'true' });
  });
  afterAll(() => quarry?.close());

  it('events mode gathers many small chunks into fewer frames with the same text', async () => {
    const sqlChunks = pieces(SQL);
    const planChunks = pieces(PLAN);
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL REASONING/, { content: PLAN, chunks: planChunks }],
        [/TASK: SQL GENERATION/, { content: SQL, chunks: sqlChunks }],
      ]),
    );
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    const frames = (await collectFrames(ws, query('人数最多的五个部门'), isClosingEvent)).map(
      (frame) => JSON.parse(frame.text) as Frame,
    );
    ws.close();
    quarry.fake.onChat(undefined);

    const sqlFrames = frames.filter((frame) => frame.type === 'sql_chunk');
    expect(sqlFrames.map((frame) => frame.delta).join('')).toBe(SQL);
    expect(sqlFrames.at(-1)?.sql).toBe(SQL);
    expect(sqlFrames.length).toBeGreaterThan(0);
    expect(sqlFrames.length).toBeLessThan(sqlChunks.length);

    const planFrames = frames.filter((frame) => frame.type === 'reasoning_chunk');
    expect(planFrames.map((frame) => frame.delta).join('')).toBe(PLAN);
    expect(planFrames.at(-1)?.reasoning).toBe(PLAN);
    expect(planFrames.length).toBeLessThan(planChunks.length);

    // Every chunk of a stream arrives before what follows it, and nothing arrives twice.
    const types = frames.map((frame) => frame.type);
    expect(types.indexOf('sql')).toBeGreaterThan(types.lastIndexOf('sql_chunk'));
    expect(types.lastIndexOf('reasoning_chunk')).toBeLessThan(types.indexOf('sql_chunk'));
    expect(frames.find((frame) => frame.type === 'sql')?.sql).toBe(SQL);
    expect(outcomeEvent(frames)).toMatchObject({ type: 'result', sql: SQL });
  });

  it('text mode still sends one frame per model chunk', async () => {
    const sqlChunks = pieces(SQL);
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL REASONING/, { content: PLAN, chunks: pieces(PLAN) }],
        [/TASK: SQL GENERATION/, { content: SQL, chunks: sqlChunks }],
      ]),
    );
    const ws = await connect(quarry.wsUrl);
    const frames = (await collectFrames(ws, query('人数最多的五个部门'))).map(
      (frame) => frame.text,
    );
    ws.close();
    quarry.fake.onChat(undefined);

    const streamed = frames.slice(frames.indexOf(sqlChunks[0] as string));
    expect(streamed.slice(0, sqlChunks.length)).toEqual(sqlChunks);
    expect(frames).toContain(`最终SQL语句: ${SQL}`);
  });
});
