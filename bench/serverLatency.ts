import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Bull from 'bull';
import { type FakeOpenAI, startFakeOpenAI } from '../test/fakes/openaiServer.js';
import { collectFrames, connect, isClosingEvent, query } from '../test/support/quarry.js';
import { dropQueue, REDIS_URL } from '../test/support/worker.js';
import { BENCH_ADMIN_TOKEN, benchQuarryEnv } from './quarryEnv.js';
import { percentile } from './stats.js';

/** The fake model's pace: time to first token and one 4-character chunk every 10 ms. */
const TIME_TO_FIRST_TOKEN_MS = 200;
const CHUNK_DELAY_MS = 10;
const SQL =
  "```sql\nSELECT d.name, COUNT(*) AS headcount FROM employees e JOIN departments d ON d.id = e.department_id WHERE d.name = 'RD' GROUP BY d.name\n```";
const ROOT = resolve(import.meta.dirname, '..');

export interface LatencyReport {
  concurrency: number;
  asks: number;
  firstChunk: { p50: number; p95: number };
  serverAdded: { p50: number; p95: number };
}

/**
 * Server-added latency with the fake model. The server runs in its own process as in
 * production; the fake model and the clients run here. Measured: (1) from the model writing
 * its first chunk to the client receiving it as a frame, and (2) each ask's total time minus
 * model time (request received → reply finished) minus database time (dry run + execution,
 * from the ask's recorded stage timings).
 */
export async function measureServerLatency(
  concurrency: number,
  rounds: number,
  options: { workers?: number } = {},
): Promise<LatencyReport> {
  const fake = await startFakeOpenAI({ models: ['bench-model'] });
  fake.onChat(() => ({
    content: SQL,
    delayMs: TIME_TO_FIRST_TOKEN_MS,
    chunkDelayMs: CHUNK_DELAY_MS,
  }));
  const dir = await mkdtemp(join(tmpdir(), 'quarry-bench-'));
  const server = await startServerProcess(fake, dir, options.workers ?? 0);
  try {
    const wsUrl = `ws://127.0.0.1:${server.port}/ws?format=json`;
    const sockets = await Promise.all(Array.from({ length: concurrency }, () => connect(wsUrl)));
    // One warm-up round: the first ask builds the schema index and opens connections.
    await Promise.all(
      sockets.map((ws, i) =>
        collectFrames(
          ws,
          query(`warm-up ${i} 研发中心员工`, { user: `bench-user-${i}` }),
          isClosingEvent,
          60_000,
        ),
      ),
    );
    const firstChunk: number[] = [];
    const runs: { marker: string; askId: string; total: number; modelMs: number }[] = [];
    for (let round = 0; round < rounds; round += 1) {
      fake.chatRequests.length = 0;
      const results = await Promise.all(
        sockets.map(async (ws, i) => {
          const marker = `bench-${round}-${i}`;
          const sentAt = performance.now();
          // Each socket is another employee: per-user limits apply to people, not to the bench.
          const frames = await collectFrames(
            ws,
            query(`${marker} 研发中心员工`, { user: `bench-user-${i}` }),
            isClosingEvent,
            60_000,
          );
          return { marker, sentAt, frames };
        }),
      );
      for (const run of results) {
        const request = fake.chatRequests.find((r) => r.lastUser.includes(run.marker));
        const first = run.frames.find((frame) => JSON.parse(frame.text).type === 'sql_chunk');
        const last = run.frames.at(-1);
        if (!request?.firstChunkAt || !request.finishedAt || !first || !last)
          throw new Error(`incomplete ask ${run.marker}`);
        firstChunk.push(first.at - request.firstChunkAt);
        runs.push({
          marker: run.marker,
          askId: JSON.parse(run.frames[0]?.text ?? '{}').ask_id as string,
          total: last.at - run.sentAt,
          modelMs: request.finishedAt - request.receivedAt,
        });
      }
    }
    for (const ws of sockets) ws.close();
    const serverAdded: number[] = [];
    for (const run of runs) {
      const timings = await askTimings(server.port, run.askId);
      serverAdded.push(run.total - run.modelMs - (timings.execution ?? 0));
    }
    return {
      concurrency,
      asks: firstChunk.length,
      firstChunk: { p50: percentile(firstChunk, 50), p95: percentile(firstChunk, 95) },
      serverAdded: { p50: percentile(serverAdded, 50), p95: percentile(serverAdded, 95) },
    };
  } finally {
    await server.stop();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `npm start` in its own process; with `workers` > 0 the server only enqueues (REDIS_URL, a
 * fresh queue) and that many `npm run worker` processes run the asks.
 */
async function startServerProcess(
  fake: FakeOpenAI,
  dir: string,
  workers: number,
): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const queueName = `bench-${randomBytes(4).toString('hex')}`;
  const env = {
    PATH: process.env.PATH ?? '',
    ...benchQuarryEnv(port, fake.baseUrl),
    ...(workers > 0 ? { REDIS_URL, ASK_QUEUE_NAME: queueName, ASK_WORKER_CONCURRENCY: '0' } : {}),
  };
  // Data files (app database, demo database) land in the temp dir, shared by the workers.
  const run = (entry: string, extra: Record<string, string> = {}) =>
    spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, entry)], {
      cwd: dir,
      env: { ...env, ...extra },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const child: ChildProcess = run('server/src/main.ts');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error('the server did not start');
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  // Workers start once the server has built the demo database they share.
  const workerProcesses = Array.from({ length: workers }, () =>
    run('server/src/worker/main.ts', { ASK_WORKER_CONCURRENCY: '100' }),
  );
  if (workers > 0) await waitForWorkers(workerProcesses, queueName, workers);
  return {
    port,
    async stop() {
      for (const processToStop of [...workerProcesses, child]) {
        const exited = once(processToStop, 'exit');
        processToStop.kill('SIGTERM');
        await exited;
      }
      if (workers > 0) await dropQueue(queueName);
    },
  };
}

/** Resolves once `count` workers take jobs from the queue (bull names their connections). */
async function waitForWorkers(
  workers: ChildProcess[],
  queueName: string,
  count: number,
): Promise<void> {
  const queue = new Bull(queueName, REDIS_URL, { prefix: 'quarry' });
  try {
    const deadline = Date.now() + 60_000;
    while ((await queue.getWorkers()).length < count) {
      if (workers.some((worker) => worker.exitCode !== null) || Date.now() > deadline) {
        throw new Error('a worker did not start');
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  } finally {
    await queue.close();
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function askTimings(port: number, askId: string): Promise<Record<string, number>> {
  for (let i = 0; i < 100; i += 1) {
    const response = await fetch(`http://127.0.0.1:${port}/api/asks/${askId}`, {
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
    });
    const record = (await response.json()) as { status?: string; timings?: Record<string, number> };
    if (record.status === 'finished' && record.timings) return record.timings;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`ask ${askId} was never recorded`);
}
