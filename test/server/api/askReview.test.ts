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
