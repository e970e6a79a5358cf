import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReadinessReport } from '../../../server/src/http/readiness.js';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { sample, scrape } from '../../support/prometheus.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';
import { type PrivateRedis, startPrivateRedis } from '../../support/redisServer.js';

const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

const metricsText = (quarry: TestQuarry) => scrape(quarry.baseUrl);

async function askOverWs(quarry: TestQuarry, question: string): Promise<void> {
  const ws = await connect(`${quarry.wsUrl}?format=json`);
  try {
    await collectFrames(ws, query(question), isClosingEvent);
  } finally {
    ws.close();
  }
}

describe('/metrics', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL DIAGNOSIS/, 'departments has no dept_name; the column is name.'],
        [/TASK: SQL CORRECTION/, `\`\`\`sql\n${SQL}\n\`\`\``],
        [/有问题的部门/, '```sql\nSELECT dept_name FROM departments\n```'],
        [/./, `\`\`\`sql\n${SQL}\n\`\`\``],
      ]),
    );
  });
  afterAll(() => quarry?.close());

  it('counts asks by entry point and outcome, stages, model calls, tokens, SQL time and corrections', async () => {
    const before = await metricsText(quarry);
    await askOverWs(quarry, '前三个部门');
    await askOverWs(quarry, '有问题的部门');
    const posted = await fetch(`${quarry.baseUrl}/v1/asks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '前三个部门' }),
    });
    const { query_id: id } = (await posted.json()) as { query_id: string };
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${quarry.baseUrl}/v1/asks/${id}/result`)).json()) as {
              status: string;
            }
          ).status,
      )
      .toBe('finished');

    const after = await metricsText(quarry);
    const moved = (series: string) => sample(after, series) - sample(before, series);
    expect(moved('quarry_asks_total{source="ws",outcome="finished"}')).toBe(2);
    await expect
      .poll(async () =>
        sample(await metricsText(quarry), 'quarry_asks_total{source="api",outcome="finished"}'),
      )
      .toBe(1);
    expect(moved('quarry_sql_corrections_total')).toBe(1);
    // Three generations and one diagnosis and correction: five model calls, all answered.
    expect(
      moved('quarry_llm_calls_total{kind="stream",outcome="ok"}') +
        moved('quarry_llm_calls_total{kind="complete",outcome="ok"}'),
    ).toBe(5);
    expect(moved('quarry_llm_tokens_total{type="prompt"}')).toBeGreaterThan(0);
    expect(moved('quarry_llm_tokens_total{type="completion"}')).toBeGreaterThan(0);
    // Three answers ran their SQL once each (the broken SQL failed its dry run, not a run).
    expect(moved('quarry_sql_execution_duration_seconds_count{outcome="ok"}')).toBe(3);
    expect(moved('quarry_ask_stage_duration_seconds_count{stage="generation"}')).toBe(3);
    expect(moved('quarry_ask_stage_duration_seconds_count{stage="execution"}')).toBe(3);
    expect(sample(after, 'quarry_asks_running')).toBe(0);
    expect(sample(after, 'quarry_ask_queue_depth')).toBe(0);
  });

  it('counts a failed ask as failed', async () => {
    const before = await metricsText(quarry);
    quarry.fake.enqueue({ status: 500, content: 'upstream exploded' });
    await askOverWs(quarry, '前三个部门');
    const after = await metricsText(quarry);
    const moved = (series: string) => sample(after, series) - sample(before, series);
    expect(moved('quarry_asks_total{source="ws",outcome="failed"}')).toBe(1);
    expect(moved('quarry_llm_calls_total{kind="stream",outcome="error"}')).toBe(1);
  });

  it('reports the open WebSockets', async () => {
    const open = [await connect(quarry.wsUrl), await connect(quarry.wsUrl)];
    expect(sample(await metricsText(quarry), 'quarry_websocket_connections')).toBe(2);
    for (const ws of open) ws.close();
    await expect
      .poll(async () => sample(await metricsText(quarry), 'quarry_websocket_connections'))
      .toBe(0);
  });
});

describe('/ready', () => {
  let quarry: TestQuarry | undefined;
  let redis: PrivateRedis | undefined;
  afterEach(async () => {
    await quarry?.close();
    await redis?.stop();
    quarry = undefined;
    redis = undefined;
  });

  const ready = async (server: TestQuarry) => {
    const response = await fetch(`${server.baseUrl}/ready`);
    return { status: response.status, body: (await response.json()) as ReadinessReport };
  };

  it('is ready when the app database, the default data source and the model answer', async () => {
    quarry = await startTestQuarry();
    const { status, body } = await ready(quarry);
    expect(status).toBe(200);
    expect(body.ready).toBe(true);
    expect(Object.keys(body.checks).sort()).toEqual([
      'app_database',
      'default_datasource',
      'model',
    ]);
    for (const check of Object.values(body.checks)) expect(check).toMatchObject({ ready: true });
  });

  it('is not ready while the model endpoint cannot be reached, and says which part', async () => {
    quarry = await startTestQuarry({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' });
    const { status, body } = await ready(quarry);
    expect(status).toBe(503);
    expect(body.ready).toBe(false);
    expect(body.checks.model).toMatchObject({
      ready: false,
      error: expect.stringContaining('127.0.0.1:1'),
    });
    expect(body.checks.app_database).toMatchObject({ ready: true });
    expect(body.checks.default_datasource).toMatchObject({ ready: true });
  });

  it('reports Redis not ready once it stops, the other dependencies still ready', async () => {
    redis = await startPrivateRedis();
    quarry = await startTestQuarry({ REDIS_URL: redis.url, ASK_QUEUE_NAME: 'ready-test' });
    const up = await ready(quarry);
    expect(up.status).toBe(200);
    expect(up.body.checks.redis).toMatchObject({ ready: true });

    await redis.stop();
    await expect
      .poll(async () => (await ready(quarry as TestQuarry)).status, { timeout: 10_000 })
      .toBe(503);
    const down = await ready(quarry);
    expect(down.body.ready).toBe(false);
    expect(down.body.checks.redis).toMatchObject({
      ready: false,
      error: expect.stringMatching(/unreachable/),
    });
    expect(down.body.checks.app_database).toMatchObject({ ready: true });
  });
});
