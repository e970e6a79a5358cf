import { afterEach, describe, expect, it } from 'vitest';
import type { ReadinessReport } from '../../../server/src/http/readiness.js';
import type { RunningWorker } from '../../../server/src/worker/startWorker.js';
import { sample, scrape } from '../../support/prometheus.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';
import { type PrivateRedis, startPrivateRedis } from '../../support/redisServer.js';
import { opens } from '../../support/tcp.js';
import { dropQueue, redisQueueEnv, startWorkerHere } from '../../support/worker.js';

const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

async function ready(baseUrl: string): Promise<{ status: number; body: ReadinessReport }> {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, body: (await response.json()) as ReadinessReport };
}

describe("a worker's /metrics and /ready (METRICS_PORT)", { timeout: 90_000 }, () => {
  let quarry: TestQuarry | undefined;
  let redis: PrivateRedis | undefined;
  let queueName = '';
  const workers: RunningWorker[] = [];

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    await quarry?.close();
    quarry = undefined;
    await redis?.stop();
    redis = undefined;
    if (queueName) await dropQueue(queueName);
    queueName = '';
  });

  it("counts the model calls, tokens and query time of the asks it runs; the server counts each ask once, and neither counts the other's", async () => {
    const queue = redisQueueEnv('worker-metrics');
    queueName = queue.ASK_QUEUE_NAME;
    quarry = await startTestQuarry({ ...queue, ASK_WORKER_CONCURRENCY: '0' });
    quarry.fake.onChat(() => `\`\`\`sql\n${SQL}\n\`\`\``);
    const quiet = await startWorkerHere(quarry);
    workers.push(quiet);
    expect(quiet.metricsPort, 'no METRICS_PORT: no listener').toBeUndefined();
    await quiet.close();
    workers.splice(0);

    const worker = await startWorkerHere(quarry, { METRICS_PORT: '0' });
    workers.push(worker);
    const port = worker.metricsPort as number;
    expect(port).toBeGreaterThan(0);
    const workerUrl = `http://127.0.0.1:${port}`;

    const workerBefore = await scrape(workerUrl);
    const serverBefore = await scrape(quarry.baseUrl);
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    const frames = await collectFrames(ws, query('前三个部门'), isClosingEvent);
    ws.close();
    const events = frames.map((frame) => JSON.parse(frame.text) as { type: string });
    expect(outcomeEvent(events)).toMatchObject({ type: 'result' });
    const modelCalls = quarry.fake.chatRequests.length;
    expect(modelCalls).toBeGreaterThan(0);

    const workerAfter = await scrape(workerUrl);
    const serverAfter = await scrape(quarry.baseUrl);
    const movedOn = (before: string, after: string) => (series: string) =>
      sample(after, series) - sample(before, series);
    const onWorker = movedOn(workerBefore, workerAfter);
    const onServer = movedOn(serverBefore, serverAfter);
    const llmCalls = (moved: (series: string) => number) =>
      moved('quarry_llm_calls_total{kind="stream",outcome="ok"}') +
      moved('quarry_llm_calls_total{kind="complete",outcome="ok"}');

    // The worker ran the ask: every model call, its tokens and the query are counted there.
    expect(llmCalls(onWorker)).toBe(modelCalls);
    expect(onWorker('quarry_llm_tokens_total{type="prompt"}')).toBeGreaterThan(0);
    expect(onWorker('quarry_llm_tokens_total{type="completion"}')).toBeGreaterThan(0);
    expect(onWorker('quarry_sql_execution_duration_seconds_count{outcome="ok"}')).toBe(1);
    // The server that took the question counts the ask and its stages, from the outcome.
    await expect
      .poll(async () =>
        sample(
          await scrape(quarry?.baseUrl ?? ''),
          'quarry_asks_total{source="ws",outcome="finished"}',
        ),
      )
      .toBe(sample(serverBefore, 'quarry_asks_total{source="ws",outcome="finished"}') + 1);
    expect(onServer('quarry_ask_stage_duration_seconds_count{stage="execution"}')).toBe(1);
    // Summed over both, each thing is counted once.
    expect(llmCalls(onServer)).toBe(0);
    expect(onServer('quarry_sql_execution_duration_seconds_count{outcome="ok"}')).toBe(0);
    expect(onWorker('quarry_asks_total{source="ws",outcome="finished"}')).toBe(0);
    expect(onWorker('quarry_ask_stage_duration_seconds_count{stage="execution"}')).toBe(0);

    const { status, body } = await ready(workerUrl);
    expect(status).toBe(200);
    expect(Object.keys(body.checks).sort()).toEqual([
      'app_database',
      'default_datasource',
      'model',
      'redis',
    ]);
    const other = await fetch(`${workerUrl}/v1/asks`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    // HOST rules it as the server's port: loopback only by default.
    expect(await opens('127.0.0.2', port)).toBe(false);
  });

  it('is not ready once its Redis stops, and says so', async () => {
    redis = await startPrivateRedis();
    quarry = await startTestQuarry({
      REDIS_URL: redis.url,
      ASK_QUEUE_NAME: 'worker-ready',
      ASK_WORKER_CONCURRENCY: '0',
    });
    const worker = await startWorkerHere(quarry, { METRICS_PORT: '0' });
    workers.push(worker);
    const workerUrl = `http://127.0.0.1:${worker.metricsPort}`;
    expect((await ready(workerUrl)).status).toBe(200);

    await redis.stop();
    await expect.poll(async () => (await ready(workerUrl)).status, { timeout: 10_000 }).toBe(503);
    const down = await ready(workerUrl);
    expect(down.body.checks.redis).toMatchObject({
      ready: false,
      error: expect.stringMatching(/unreachable/),
    });
    expect(down.body.checks.app_database).toMatchObject({ ready: true });
    // Scraping does not depend on Redis.
    expect(await scrape(workerUrl)).toContain('quarry_llm_calls_total');
  });
});
