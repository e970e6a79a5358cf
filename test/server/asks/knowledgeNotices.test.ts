import { afterEach, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../../server/src/worker/startWorker.js';
import { outcomeEvent, startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import { dropQueue, redisQueueEnv, startWorkerHere } from '../../support/worker.js';
import { ADMIN_TOKEN, askEvents } from '../safety/support.js';

const SQL = 'SELECT name FROM departments ORDER BY id';
const INSTRUCTION = 'Departments are always listed by id.';
const PAIR = {
  question: '研发中心的员工一共有多少人',
  sql: 'SELECT COUNT(*) AS people FROM employees WHERE department_id = 1',
};

describe('an admin edit reaches every worker over Redis', { timeout: 120_000 }, () => {
  let quarry: TestQuarry | undefined;
  let queueName = '';
  const workers: RunningWorker[] = [];

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    await quarry?.close();
    quarry = undefined;
    if (queueName) await dropQueue(queueName);
    queueName = '';
  });

  /**
   * Two asks at once whose model calls are held until both arrived: with two workers of
   * concurrency 1, each runs one. Resolves with both generation prompts.
   */
  async function askBothWorkers(server: TestQuarry): Promise<string[]> {
    const before = server.fake.chatRequests.length;
    let release!: () => void;
    const bothArrived = new Promise<void>((done) => {
      release = done;
    });
    server.fake.onChat(async () => {
      if (server.fake.chatRequests.length >= before + 2) release();
      await bothArrived;
      return `\`\`\`sql\n${SQL}\n\`\`\``;
    });
    const outcomes = await Promise.all(
      ['列出所有部门', '所有部门的名字'].map((question) => askEvents(server.wsUrl, question)),
    );
    for (const events of outcomes)
      expect(outcomeEvent(events)).toMatchObject({ type: 'result', sql: SQL });
    const prompts = server.fake.chatRequests.slice(before);
    expect(prompts).toHaveLength(2);
    return prompts.map((request) => request.messages.map((m) => m.content).join('\n'));
  }

  it('the next asks on both workers see a new instruction, and the historical match a new SQL pair', async () => {
    const queue = redisQueueEnv('knowledge');
    queueName = queue.ASK_QUEUE_NAME;
    // No periodic revision check anywhere: only the notice can tell the workers.
    quarry = await startTestQuarry({
      ...queue,
      ASK_WORKER_CONCURRENCY: '0',
      KNOWLEDGE_CHECK_MS: '0',
    });
    const server = quarry;
    // Each worker has its own app-database connection and Redis connections, as a worker
    // process would: the server's write is announced to them over Redis only. (Built here, not
    // spawned: starting a process is what fails on a loaded machine, not what is tested.)
    for (let n = 0; n < 2; n += 1) {
      workers.push(await startWorkerHere(server, { ASK_WORKER_CONCURRENCY: '1' }));
    }

    // Both workers hold a warm snapshot without the edit.
    for (const prompt of await askBothWorkers(server)) {
      expect(prompt).not.toContain(INSTRUCTION);
      expect(prompt).not.toContain(PAIR.sql);
    }

    const admin = (path: string, body: unknown) =>
      fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await admin('/api/instructions', { text: INSTRUCTION, scope: 'global' })).status).toBe(
      201,
    );
    expect((await admin('/api/sql-pairs', PAIR)).status).toBe(201);

    // Asked at once (well within the second allowed), each worker's ask has the instruction.
    for (const prompt of await askBothWorkers(server)) expect(prompt).toContain(INSTRUCTION);

    // The historical match answers the pair's question without the model, wherever it runs.
    const calls = server.fake.chatRequests.length;
    for (let n = 0; n < 4; n += 1) {
      const events = await askEvents(server.wsUrl, `${PAIR.question}?`);
      expect(outcomeEvent(events)).toMatchObject({ type: 'result', sql: PAIR.sql });
    }
    expect(server.fake.chatRequests).toHaveLength(calls);
  });
});
