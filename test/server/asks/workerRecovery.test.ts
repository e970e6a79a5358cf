import { stageMessages } from '@quarry/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChatReply } from '../../fakes/openaiServer.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';
import { dropQueue, redisQueueEnv, spawnWorker, type WorkerProcess } from '../../support/worker.js';

const SQL = 'SELECT name FROM departments ORDER BY id';
const SQL_REPLY = `\`\`\`sql\n${SQL}\n\`\`\``;
/** Short locks: a dead worker's ask is back on the queue within seconds. */
const LOCK_MS = '1500';
/** Workers are real processes on a shared machine: waits allow for a busy one. */
const POLL = { timeout: 30_000 };

type Event = Record<string, unknown>;

describe('workers that die or are stopped mid-ask', { timeout: 120_000 }, () => {
  let quarry: TestQuarry | undefined;
  let queueName = '';
  const processes: WorkerProcess[] = [];

  /** A server that only enqueues, on a fresh queue, with short job locks. */
  async function startEnqueuingServer(): Promise<TestQuarry> {
    const queue = redisQueueEnv('recovery');
    queueName = queue.ASK_QUEUE_NAME;
    quarry = await startTestQuarry({
      ...queue,
      ASK_WORKER_CONCURRENCY: '0',
      ASK_JOB_LOCK_MS: LOCK_MS,
      ASK_WORKER_TIMEOUT_MS: '3000',
      // A held model call must outlast starting another worker process on a busy machine.
      LLM_TIMEOUT_MS: '120000',
    });
    return quarry;
  }

  const worker = async (server: TestQuarry, env: Record<string, string> = {}, viaNpm = false) => {
    const started = await spawnWorker(server, { ASK_WORKER_CONCURRENCY: '1', ...env }, { viaNpm });
    processes.push(started);
    return started;
  };

  /** Asks on an events-mode connection; resolves with every event once the ask ended. */
  const askEvents = async (server: TestQuarry) => {
    const ws = await connect(`${server.wsUrl}?format=json`);
    const frames = collectFrames(ws, query('列出所有部门'), isClosingEvent, 60_000);
    return {
      events: frames.then((all) => {
        ws.close();
        return all.map((frame) => JSON.parse(frame.text) as Event);
      }),
    };
  };

  afterEach(async () => {
    for (const child of processes.splice(0)) await child.kill();
    await quarry?.close();
    quarry = undefined;
    if (queueName) await dropQueue(queueName);
    queueName = '';
  });

  it('kill -9 of the worker running an ask: another worker answers the same client, who is told it restarted', async () => {
    const server = await startEnqueuingServer();
    const doomed = await worker(server);
    server.fake.enqueue({ content: SQL_REPLY, hang: true } satisfies FakeChatReply);
    server.fake.enqueue(SQL_REPLY);
    const { events } = await askEvents(server);
    await expect.poll(() => server.fake.chatRequests.length, POLL).toBe(1);
    await worker(server);
    await doomed.kill();

    const received = await events;
    const restarted = received.findIndex((event) => event.step === 'restarted');
    expect(received[restarted]).toMatchObject({
      type: 'status',
      status: 'understanding',
      message: stageMessages.zh.restarted,
    });
    expect(outcomeEvent(received)).toMatchObject({
      type: 'result',
      sql: SQL,
      row_count: expect.any(Number),
    });
    expect(received.slice(restarted + 1).some((event) => event.type === 'result')).toBe(true);
    expect(received.filter((event) => event.type === 'result')).toHaveLength(1);
    expect(received.filter((event) => event.type === 'error')).toEqual([]);
    // The model was asked twice: once per run.
    expect(server.fake.chatRequests).toHaveLength(2);
  });

  it('runs an ask at most twice: a second worker dying fails it clearly', async () => {
    const server = await startEnqueuingServer();
    const first = await worker(server);
    for (let n = 0; n < 3; n += 1) {
      server.fake.enqueue({ content: SQL_REPLY, hang: true } satisfies FakeChatReply);
    }
    const { events } = await askEvents(server);
    await expect.poll(() => server.fake.chatRequests.length, POLL).toBe(1);
    const second = await worker(server);
    await first.kill();
    await expect.poll(() => server.fake.chatRequests.length, { timeout: 20_000 }).toBe(2);
    const third = await worker(server);
    await second.kill();

    const received = await events;
    expect(outcomeEvent(received)).toMatchObject({
      type: 'error',
      code: 'QUEUE_UNAVAILABLE',
      message: expect.stringMatching(/stopped responding/),
    });
    expect(server.fake.chatRequests).toHaveLength(2);
    expect(third.output()).not.toMatch(/ask worker: ask done/);
  });

  it.each([
    ['once', 1],
    ['twice in a row', 2],
  ])(
    'SIGTERM %s to the process group of `npm run worker`: the running ask is answered',
    async (_how, times) => {
      const server = await startEnqueuingServer();
      const npmWorker = await worker(server, {}, true);
      server.fake.enqueue({
        content: SQL_REPLY,
        chunks: ['```sql\n', 'SELECT name ', 'FROM departments ', 'ORDER BY id\n```'],
        chunkDelayMs: 300,
      });
      const { events } = await askEvents(server);
      await expect.poll(() => server.fake.chatRequests[0]?.firstChunkAt, POLL).toBeDefined();
      for (let n = 0; n < times; n += 1) npmWorker.signalGroup('SIGTERM');

      expect(outcomeEvent(await events)).toMatchObject({
        type: 'result',
        sql: SQL,
        row_count: expect.any(Number),
      });
      // npm forwards the signal and ends itself by it; the worker (node, in the same group)
      // goes on finishing, then says so and exits 0.
      expect([0, 'SIGTERM']).toContain(await npmWorker.exited);
      await expect.poll(() => npmWorker.output(), POLL).toMatch(/stopped cleanly/);
      const output = npmWorker.output();
      expect(output).toMatch(/finishing the running asks/);
      expect(output).not.toMatch(/shutdown failed/);
    },
  );

  it('hands a running ask back to the queue when it cannot finish within the stop grace', async () => {
    const server = await startEnqueuingServer();
    const stopping = await worker(server, { ASK_WORKER_STOP_GRACE_MS: '500' });
    server.fake.enqueue({ content: SQL_REPLY, hang: true } satisfies FakeChatReply);
    server.fake.enqueue(SQL_REPLY);
    const { events } = await askEvents(server);
    await expect.poll(() => server.fake.chatRequests.length, POLL).toBe(1);
    await worker(server);
    const exitCode = stopping.stop();

    const received = await events;
    expect(await exitCode).toBe(0);
    expect(stopping.output()).toMatch(/handing them back to the queue/);
    expect(received.some((event) => event.step === 'restarted')).toBe(true);
    expect(outcomeEvent(received)).toMatchObject({
      type: 'result',
      sql: SQL,
      row_count: expect.any(Number),
    });
  });
});
