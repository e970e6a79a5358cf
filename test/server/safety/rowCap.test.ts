import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  askEvents,
  askText,
  LEVEL,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from './support.js';

describe('the row cap (QUERY_ROW_LIMIT)', () => {
  let quarry: LoggedQuarry;
  beforeAll(async () => {
    quarry = await startLoggedQuarry({ QUERY_ROW_LIMIT: '5' });
  });
  afterAll(() => quarry?.close());

  const SQL = 'SELECT id, task FROM timesheets ORDER BY id';

  it('returns at most that many rows and says the result was capped', async () => {
    quarry.fake.enqueue(sqlReply(SQL));
    const events = await askEvents(quarry.wsUrl, '所有工时记录');
    const result = outcomeEvent(events) as {
      type: string;
      rows: unknown[];
      row_count: number;
      capped: boolean;
    };
    expect(result).toMatchObject({ type: 'result', row_count: 5, capped: true });
    expect(result.rows).toHaveLength(5);

    quarry.fake.enqueue(sqlReply(SQL));
    const frames = await askText(quarry.wsUrl, '所有工时记录');
    expect(frames).toContain('SQL查询成功，结果行数: 5');
    expect((JSON.parse(frames.at(-1) as string) as { result: unknown[] }).result).toHaveLength(5);
  });

  it('does not call a result capped that fits', async () => {
    quarry.fake.enqueue(sqlReply('SELECT id FROM timesheets ORDER BY id LIMIT 5'));
    const events = await askEvents(quarry.wsUrl, '前五条工时记录');
    expect(outcomeEvent(events)).toMatchObject({ type: 'result', row_count: 5, capped: false });
  });
});

describe('the byte cap (QUERY_RESULT_MAX_BYTES)', () => {
  const MAX_BYTES = 1_000_000;
  let quarry: LoggedQuarry;
  beforeAll(async () => {
    quarry = await startLoggedQuarry({ QUERY_RESULT_MAX_BYTES: String(MAX_BYTES) });
  });
  afterAll(() => quarry?.close());

  // 100 KB a row, 3,000 rows: 300 MB if nothing stopped it.
  const SQL = 'SELECT id, hex(zeroblob(50000)) AS filler FROM timesheets ORDER BY id';

  it('returns whole rows up to that many bytes and says the result was capped', async () => {
    quarry.fake.enqueue(sqlReply(SQL));
    const events = await askEvents(quarry.wsUrl, '所有工时记录的填充');
    const result = outcomeEvent(events) as {
      type: string;
      rows: { id: number }[];
      capped: boolean;
    };
    expect(result).toMatchObject({ type: 'result', capped: true });
    expect(result.rows.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(result.rows))).toBeLessThanOrEqual(MAX_BYTES);
    expect(result.rows.map((row) => row.id)).toEqual(result.rows.map((_row, index) => index + 1));

    quarry.fake.enqueue(sqlReply(SQL));
    const frames = await askText(quarry.wsUrl, '所有工时记录的填充');
    const closing = JSON.parse(frames.at(-1) as string) as { result: unknown[]; capped: boolean };
    expect(closing).toMatchObject({ status: 'success', capped: true });
    expect(closing.result).toHaveLength(result.rows.length);
    expect(frames).toContain(`SQL查询成功，结果行数: ${result.rows.length}`);
    expect(quarry.logs.filter((line) => line.level >= LEVEL.error)).toEqual([]);
  });
});
