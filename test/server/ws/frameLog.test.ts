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
    quarry = await startLoggedQuarry();
  });
  afterAll(() => quarry?.close());

  it('logs every frame sent, in order, as the seed does, and cuts long results', async () => {
    const sql = 'SELECT t.id, t.task FROM timesheets t ORDER BY t.id LIMIT 500';
    quarry.fake.enqueue({ content: sqlReply(sql), chunks: ['```sql\n', sql, '\n```'] });
    const frames = await askText(quarry.wsUrl, '前500条工时记录');
    const logged = quarry.logs.filter(
      (line) => line.level === LEVEL.info && /^WebSocket发送/.test(line.msg),
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
