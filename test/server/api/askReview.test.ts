import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

async function api(quarry: TestQuarry, method: string, path: string, body?: unknown) {
  const response = await fetch(`${quarry.baseUrl}${path}`, {
    method,
    headers: ADMIN_HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function ask(quarry: TestQuarry, question: string) {
  const ws = await connect(`${quarry.wsUrl}?format=json`);
  const frames = await collectFrames(ws, query(question), isClosingEvent);
  ws.close();
  const events = frames.map(
    (frame) => JSON.parse(frame.text) as Record<string, unknown> & { type: string },
  );
  const id = events[0]?.ask_id as string;
  // The history is written once the outcome is in, a moment after the closing frame.
  await expect
    .poll(async () => (await api(quarry, 'GET', `/api/asks/${id}`)).body.status)
    .toMatch(/finished|failed/);
  return { id, events };
}

const QUESTION = '每个城市有多少员工';
const MODEL_SQL = 'SELECT city, COUNT(*) AS n FROM employees GROUP BY city';
const EDITED_SQL = 'SELECT city, COUNT(*) AS n FROM employees GROUP BY city ORDER BY n DESC';

describe('reviewing an ask', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  it('promotes edited SQL under an edited question, confirms a 👎 first, and un-verifying takes the match back', async () => {
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${MODEL_SQL}\n\`\`\``]]),
    );
    const first = await ask(quarry, QUESTION);
    const rated = await api(quarry, 'POST', `/api/asks/${first.id}/feedback`, { rating: 'down' });
    expect(rated.status).toBe(200);

    const unconfirmed = await api(quarry, 'POST', `/api/asks/${first.id}/promote`, {
      sql: EDITED_SQL,
    });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error.reason).toEqual({ code: 'promote_down_rated' });
    const unsafe = await api(quarry, 'POST', `/api/asks/${first.id}/promote`, {
      sql: 'DELETE FROM employees',
      confirm: true,
    });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error.reason).toEqual({
      code: 'sql_not_read_only',
      params: { what: 'DELETE' },
    });
    expect((await api(quarry, 'GET', '/api/sql-pairs')).body.total).toBe(0);

    const promoted = await api(quarry, 'POST', `/api/asks/${first.id}/promote`, {
      sql: EDITED_SQL,
      question: '各城市员工人数',
      confirm: true,
    });
    expect(promoted.status).toBe(201);
    expect(promoted.body).toMatchObject({ question: '各城市员工人数', sql: EDITED_SQL });
    const record = (await api(quarry, 'GET', `/api/asks/${first.id}`)).body;
    expect(record).toMatchObject({ review_status: 'verified', promoted_pair_id: promoted.body.id });
    const verified = await api(quarry, 'GET', '/api/asks?review=verified');
    expect(verified.body.items.map((item: { id: string }) => item.id)).toEqual([first.id]);
    expect((await api(quarry, 'GET', '/api/asks?review=unreviewed')).body.total).toBe(0);

    const matched = await ask(quarry, '各城市员工人数');
    expect(matched.events.find((event) => event.type === 'sql')).toMatchObject({
      sql: EDITED_SQL,
      from_history: true,
    });

    const unverified = await api(quarry, 'PUT', `/api/asks/${first.id}/review`, {
      status: null,
    });
    expect(unverified.status).toBe(200);
    expect(unverified.body).toMatchObject({ review_status: null, promoted_pair_id: null });
    expect((await api(quarry, 'GET', `/api/sql-pairs/${promoted.body.id}`)).status).toBe(404);
    const asked = quarry.fake.chatRequests.length;
    const again = await ask(quarry, '各城市员工人数');
    expect(again.events.find((event) => event.type === 'sql')?.from_history).toBeUndefined();
    expect(quarry.fake.chatRequests.length).toBeGreaterThan(asked);
  });

  it('a rejected ask is no historical match even when its asker voted 👍', async () => {
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${MODEL_SQL}\n\`\`\``]]),
    );
    const first = await ask(quarry, '员工按城市的人数');
    await api(quarry, 'POST', `/api/asks/${first.id}/feedback`, { rating: 'up' });
    const second = await ask(quarry, '员工按城市的人数');
    expect(second.events.find((event) => event.type === 'sql')?.from_history).toBe(true);

    const rejected = await api(quarry, 'PUT', `/api/asks/${first.id}/review`, {
      status: 'rejected',
    });
    expect(rejected.body.review_status).toBe('rejected');
    const third = await ask(quarry, '员工按城市的人数');
    expect(third.events.find((event) => event.type === 'sql')?.from_history).toBeUndefined();
    const bad = await api(quarry, 'PUT', `/api/asks/${first.id}/review`, { status: 'great' });
    expect(bad.status).toBe(400);
  });
});

describe('the rows an ask answered with', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  it('keeps the first rows with the ask, bounded in rows and bytes, and says when it cut', async () => {
    const longNames =
      "SELECT id, name || ' ' || printf('%.2000c', 'x') AS long_name, printf('%.480c', 'y') AS filler FROM employees ORDER BY id";
    const modelWrites = (sql: string) =>
      quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, `\`\`\`sql\n${sql}\n\`\`\``]]));
    modelWrites(`${MODEL_SQL} ORDER BY city`);
    const small = await ask(quarry, '各城市员工人数统计');
    const result = small.events.find((event) => event.type === 'result') as unknown as {
      columns: string[];
      rows: unknown[];
    };
    const record = (await api(quarry, 'GET', `/api/asks/${small.id}`)).body;
    expect(record.result_sample).toEqual({
      columns: result.columns,
      rows: result.rows,
      row_count: result.rows.length,
      truncated: false,
    });
    expect(result.rows.length).toBeGreaterThan(1);
    // A list page leaves the rows out: a page of 500 asks stays small.
    const listed = (await api(quarry, 'GET', '/api/asks')).body.items;
    expect(listed.find((item: { id: string }) => item.id === small.id)).not.toHaveProperty(
      'result_sample',
    );

    modelWrites('SELECT id FROM employees ORDER BY id');
    const ids = await ask(quarry, '所有员工的编号');
    const idSample = (await api(quarry, 'GET', `/api/asks/${ids.id}`)).body.result_sample;
    expect(idSample.rows).toEqual(Array.from({ length: 20 }, (_, index) => ({ id: index + 1 })));
    expect(idSample).toMatchObject({ truncated: true });
    expect(idSample.row_count).toBeGreaterThan(20);

    modelWrites(longNames);
    const wide = await ask(quarry, '每个员工的长名字');
    const wideResult = wide.events.find((event) => event.type === 'result') as unknown as {
      rows: { id: number; long_name: string }[];
    };
    expect(wideResult.rows.length).toBeGreaterThan(20);
    const sample = (await api(quarry, 'GET', `/api/asks/${wide.id}`)).body.result_sample;
    expect(sample.truncated).toBe(true);
    expect(sample.row_count).toBe(wideResult.rows.length);
    expect(sample.rows.length).toBeGreaterThan(0);
    // About 1,000 bytes a row: the byte bound stops it before the row bound.
    expect(sample.rows.length).toBeLessThan(20);
    expect(Buffer.byteLength(JSON.stringify(sample))).toBeLessThanOrEqual(16_000);
    // The first rows, in order, each long text cut to 500 characters and an ellipsis.
    expect(sample.rows.map((row: { id: number }) => row.id)).toEqual(
      wideResult.rows.slice(0, sample.rows.length).map((row) => row.id),
    );
    expect(sample.rows[0].long_name).toBe(`${wideResult.rows[0]?.long_name.slice(0, 500)}…`);
  });
});
