import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { seedMessages } from '@quarry/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../../server/src/worker/startWorker.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';
import {
  dropQueue,
  queueCounts,
  redisQueueEnv,
  spawnWorker,
  startWorkerHere,
  type WorkerProcess,
} from '../../support/worker.js';

const SQL = 'SELECT name FROM departments ORDER BY id';
/** Workers are real processes on a shared machine: waits allow for a busy one. */
const POLL = { timeout: 20_000 };
const texts = (frames: { text: string }[]) => frames.map((frame) => frame.text);

interface V1Result {
  status: string;
  error?: { code: string; message: string };
  row_count?: number;
}

describe('asks as bull jobs on Redis', { timeout: 90_000 }, () => {
  let quarry: TestQuarry | undefined;
  let queueName = '';
  const workers: RunningWorker[] = [];
  const processes: WorkerProcess[] = [];

  /** A server that only enqueues (ASK_WORKER_CONCURRENCY=0) on a fresh queue. */
  async function startEnqueuingServer(env: Record<string, string> = {}): Promise<TestQuarry> {
    const queue = redisQueueEnv('bull');
    queueName = queue.ASK_QUEUE_NAME;
    quarry = await startTestQuarry({ ...queue, ASK_WORKER_CONCURRENCY: '0', ...env });
    return quarry;
  }

  async function ask(server: TestQuarry, question: string): Promise<string> {
    const response = await fetch(`${server.baseUrl}/v1/asks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: question }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { query_id: string }).query_id;
  }

  async function resultOf(server: TestQuarry, id: string): Promise<V1Result> {
    return (await (await fetch(`${server.baseUrl}/v1/asks/${id}/result`)).json()) as V1Result;
  }

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    for (const child of processes.splice(0)) await child.kill();
    await quarry?.close();
    quarry = undefined;
    if (queueName) await dropQueue(queueName);
    queueName = '';
  });

  it('shares the asks among workers: two workers of concurrency 1 run two asks at once', async () => {
    const server = await startEnqueuingServer();
    for (let i = 0; i < 2; i++) {
      workers.push(await startWorkerHere(server, { ASK_WORKER_CONCURRENCY: '1' }));
    }
    // Each model call is held until both have arrived: with one worker taking both asks, the
    // second call could never arrive while the first is held.
    let release!: () => void;
    const bothArrived = new Promise<void>((done) => {
      release = done;
    });
    server.fake.onChat(async () => {
      if (server.fake.chatRequests.length >= 2) release();
      await bothArrived;
      return `\`\`\`sql\n${SQL}\n\`\`\``;
    });
    const ids = [await ask(server, '列出所有部门'), await ask(server, '所有部门的名字')];
    for (const id of ids) {
      await expect.poll(async () => (await resultOf(server, id)).status, POLL).toBe('finished');
      expect((await resultOf(server, id)).row_count).toBeGreaterThan(0);
    }
    expect(server.fake.chatRequests).toHaveLength(2);
  });

  it('stops an ask running on a worker: its model call is cancelled', async () => {
    const server = await startEnqueuingServer();
    workers.push(await startWorkerHere(server));
    server.fake.enqueue({
      content: SQL,
      chunks: ['SELECT ', 'name ', 'FROM ', 'departments'],
      chunkDelayMs: 2000,
    });
    const id = await ask(server, '列出所有部门');
    await expect.poll(() => server.fake.chatRequests[0]?.firstChunkAt, POLL).toBeDefined();
    const stop = await fetch(`${server.baseUrl}/v1/asks/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'stopped' }),
    });
    expect(await stop.json()).toEqual({ query_id: id, stopped: true });
    await expect.poll(async () => (await resultOf(server, id)).status, POLL).toBe('stopped');
    await expect.poll(() => server.fake.chatRequests[0]?.abortedAt, POLL).toBeDefined();
    expect(server.fake.chatRequests[0]?.finishedAt).toBeUndefined();
  });

  it('takes a waiting ask off the queue when it is stopped before any worker runs it', async () => {
    const server = await startEnqueuingServer();
    const id = await ask(server, '列出所有部门');
    await expect.poll(async () => (await queueCounts(queueName)).waiting, POLL).toBe(1);
    const stop = await fetch(`${server.baseUrl}/v1/asks/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'stopped' }),
    });
    expect(await stop.json()).toEqual({ query_id: id, stopped: true });
    expect(await resultOf(server, id)).toMatchObject({ status: 'stopped' });
    expect(await queueCounts(queueName)).toEqual({ waiting: 0, active: 0 });
    // A worker that starts now finds nothing to run: the queue is first in, first out, so once
    // it has answered a later ask, the stopped one would have reached the model before it.
    workers.push(await startWorkerHere(server));
    server.fake.onChat(() => `\`\`\`sql\n${SQL}\n\`\`\``);
    const later = await ask(server, '所有部门的名字');
    await expect.poll(async () => (await resultOf(server, later)).status, POLL).toBe('finished');
    expect(server.fake.chatRequests.map((request) => request.lastUser)).toEqual([
      expect.stringContaining('所有部门的名字'),
    ]);
    expect(await resultOf(server, id)).toMatchObject({ status: 'stopped' });
  });

  it('fails clearly when no worker takes the question in time, and leaves the queue clean', async () => {
    const server = await startEnqueuingServer({ ASK_QUEUE_WAIT_TIMEOUT_MS: '1000' });
    const ws = await connect(server.wsUrl);
    const frames = texts(await collectFrames(ws, query('列出所有部门')));
    ws.close();
    expect(frames).toHaveLength(3);
    expect(frames[0]).toBe(seedMessages.received);
    expect(frames[1]).toMatch(/^查询处理过程中发生异常: No Quarry worker took this question/);
    expect(frames[1]).toMatch(/npm run worker/);
    expect(JSON.parse(frames[2] as string)).toMatchObject({ status: 'error' });
    expect(await queueCounts(queueName)).toEqual({ waiting: 0, active: 0 });
  });

  it('lets a worker told to stop (SIGTERM) finish the ask it runs before it exits', async () => {
    const server = await startEnqueuingServer();
    const worker = await spawnWorker(server);
    processes.push(worker);
    server.fake.enqueue({
      content: `\`\`\`sql\n${SQL}\n\`\`\``,
      chunks: ['```sql\n', 'SELECT name ', 'FROM departments ', 'ORDER BY id\n```'],
      chunkDelayMs: 300,
    });
    const ws = await connect(server.wsUrl);
    const answer = collectFrames(ws, query('列出所有部门'), undefined, 60_000);
    await expect.poll(() => server.fake.chatRequests[0]?.firstChunkAt, POLL).toBeDefined();
    const exitCode = worker.stop();
    const frames = texts(await answer);
    ws.close();
    expect(JSON.parse(frames.at(-1) as string)).toMatchObject({ status: 'success', sql: SQL });
    expect(await exitCode).toBe(0);
  });

  it('answers at once with a clear error while Redis is unreachable, and stays up', async () => {
    // Port 9 (discard) is closed here: the queue can never connect.
    const server = await startEnqueuingServer({ REDIS_URL: 'redis://127.0.0.1:9' });
    const ws = await connect(`${server.wsUrl}?format=json`);
    const events = (await collectFrames(ws, query('列出所有部门'), isClosingEvent, 5000)).map(
      (frame) => JSON.parse(frame.text) as Record<string, unknown>,
    );
    ws.close();
    expect(outcomeEvent(events)).toMatchObject({
      type: 'error',
      code: 'QUEUE_UNAVAILABLE',
      message: expect.stringMatching(/Redis\) is unreachable/),
    });
    const health = await fetch(`${server.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      ask_queue: { kind: 'redis', connected: false },
    });
  });
});

describe('npm run worker', () => {
  it('refuses to start without REDIS_URL, saying so in one line', async () => {
    const child = spawn('npm', ['run', '--silent', 'worker'], {
      cwd: resolve(import.meta.dirname, '../../..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid configuration: REDIS_URL must be set for a worker');
  });
});
