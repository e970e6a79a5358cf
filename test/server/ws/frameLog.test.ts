import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  askText,
  LEVEL,
  type LoggedQuarry,
  sqlReply,
  startLoggedQuarry,
} from '../safety/support.js';

describe('the frame log', () => {
  let quarry: LoggedQuarry;
  beforeAll(async () => {
    quarry = await startLoggedQuarry({}, 'debug');
  });
  afterAll(() => quarry?.close());

  it('logs every frame sent at debug, in order, as the seed does, and cuts long results', async () => {
    const sql = 'SELECT t.id, t.task FROM timesheets t ORDER BY t.id LIMIT 500';
    quarry.fake.enqueue({ content: sqlReply(sql), chunks: ['```sql\n', sql, '\n```'] });
    const frames = await askText(quarry.wsUrl, '前500条工时记录');
    const logged = quarry.logs.filter(
      (line) => line.level === LEVEL.debug && /^WebSocket发送/.test(line.msg),
    );
    expect(logged.map((line) => line.msg)).toEqual(
      frames.map((frame) =>
        ['```sql\n', sql, '\n```'].includes(frame) ? 'WebSocket发送流式chunk' : 'WebSocket发送',
      ),
    );
    const result = frames.at(-1) as string;
    expect(result.length).toBeGreaterThan(10_000);
    const loggedResult = logged.at(-1)?.frame as string;
    expect(loggedResult.startsWith(result.slice(0, 2000))).toBe(true);
    expect(loggedResult).toMatch(/… \(\d+ more characters\)$/);
    expect(loggedResult.length).toBeLessThan(2100);
    for (const [index, line] of logged.slice(0, -1).entries())
      expect(line.frame).toBe(frames[index]);
  });
});

describe('the ask log at info', () => {
  let quarry: LoggedQuarry;
  beforeAll(async () => {
    quarry = await startLoggedQuarry({}, 'info');
  });
  afterAll(() => quarry?.close());

  it('has one summary line per ask and no frame lines', async () => {
    const sql = 'SELECT name FROM departments ORDER BY id LIMIT 3';
    quarry.fake.enqueue({ content: sqlReply(sql), chunks: ['```sql\n', sql, '\n```'] });
    quarry.fake.enqueue({ status: 500, content: '' });
    const answered = await askText(quarry.wsUrl, '前三个部门', { user: 'U123' });
    const failed = await askText(quarry.wsUrl, '第二个问题');
    expect(answered.length).toBeGreaterThan(3);
    expect(failed.at(-1)).toMatch(/"status":"error"/);

    await expect.poll(() => quarry.logs.filter((line) => line.msg === 'ask done').length).toBe(2);
    expect(quarry.logs.filter((line) => /^WebSocket发送/.test(line.msg))).toEqual([]);
    const [first, second] = quarry.logs.filter((line) => line.msg === 'ask done');
    expect(first).toMatchObject({
      level: LEVEL.info,
      asker: 'U123',
      source: 'ws',
      question: '前三个部门',
      outcome: 'finished',
      sql,
      row_count: 3,
    });
    expect(typeof first?.ask_id).toBe('string');
    expect(typeof first?.total_ms).toBe('number');
    expect(Object.keys(first?.timings as object).length).toBeGreaterThan(0);
    expect(second).toMatchObject({ level: LEVEL.info, outcome: 'failed', sql: null });
    expect(typeof second?.error).toBe('string');
    expect(second?.ask_id).not.toBe(first?.ask_id);
  });
});
