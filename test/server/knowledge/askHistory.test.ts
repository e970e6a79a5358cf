import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isQuarryError } from '../../../server/src/errors.js';
import type { KnowledgeStore } from '../../../server/src/knowledge/port.js';
import { loadKnowledgeSnapshot } from '../../../server/src/knowledge/snapshot.js';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { type AppDatabase, BACKENDS, createAppDatabase, silentLogger } from './appDatabase.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe.each(BACKENDS)('ask history on %s', (backend) => {
  let db: AppDatabase;
  let store: KnowledgeStore;

  beforeAll(async () => {
    db = await createAppDatabase(backend, 'asks');
    store = await openKnowledgeStore({ url: db.url, logger: silentLogger });
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** The historical match as an ask makes it: from a snapshot of what the store holds now. */
  const verifiedSql = async (question: string, datasource: string) =>
    (await loadKnowledgeSnapshot(store, await store.revision())).verifiedSql(question, datasource);

  test('the historical match: a SQL pair first, else the newest up-voted finished ask, per data source', async () => {
    expect(await verifiedSql('revenue by month', 'default')).toBeUndefined();

    const down = await store.asks.create({
      question: 'Revenue by month?',
      source: 'ws',
      datasource: 'default',
    });
    await store.asks.update(down, { status: 'finished', sql: 'SELECT bad' });
    await store.asks.recordFeedback(down, { rating: 'down' });
    const unfinished = await store.asks.create({
      question: 'revenue by month',
      source: 'ws',
      datasource: 'default',
    });
    await store.asks.update(unfinished, { status: 'failed', sql: 'SELECT failed' });
    await store.asks.recordFeedback(unfinished, { rating: 'up' });
    expect(await verifiedSql('revenue by month', 'default')).toBeUndefined();

    const up = await store.asks.create({
      question: 'REVENUE, by month!',
      source: 'slack',
      datasource: 'default',
    });
    await store.asks.update(up, { status: 'finished', sql: 'SELECT good' });
    await store.asks.recordFeedback(up, { rating: 'up', comment: 'right' });
    expect(await verifiedSql('Revenue by month？', 'default')).toBe('SELECT good');
    expect(await verifiedSql('revenue by month', 'sales')).toBeUndefined();

    await store.sqlPairs.create({
      question: 'revenue by month',
      sql: 'SELECT pair',
      datasource: 'default',
    });
    expect(await verifiedSql('revenue by month', 'default')).toBe('SELECT pair');
  });

  test('the historical match: an up-voted follow-up verifies nothing; an up-voted thread opener does', async () => {
    const opener = await store.asks.create({
      question: '各部门的人数',
      source: 'slack',
      datasource: 'default',
      thread_id: 'slack:C1:100.1',
    });
    await store.asks.update(opener, { status: 'finished', sql: 'SELECT opener' });
    await new Promise((done) => setTimeout(done, 20)); // created_at keeps milliseconds
    const followUp = await store.asks.create({
      question: '市场部呢?',
      source: 'slack',
      datasource: 'default',
      thread_id: 'slack:C1:100.1',
    });
    await store.asks.update(followUp, { status: 'finished', sql: 'SELECT market' });
    for (const id of [opener, followUp]) await store.asks.recordFeedback(id, { rating: 'up' });
    expect(await verifiedSql('市场部呢', 'default')).toBeUndefined();
    expect(await verifiedSql('各部门的人数', 'default')).toBe('SELECT opener');
  });

  test('threadTurns returns the last turns of a thread, oldest first, without the current ask', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const id = await store.asks.create({
        question: `turn ${n}`,
        source: 'ws',
        datasource: 'default',
        thread_id: 'thread-a',
      });
      await store.asks.update(id, { rephrased_question: `turn ${n} in full`, sql: `SELECT ${n}` });
      ids.push(id);
      await new Promise((done) => setTimeout(done, 5));
    }
    await store.asks.create({
      question: 'elsewhere',
      source: 'ws',
      datasource: 'default',
      thread_id: 'thread-b',
    });

    expect(await store.asks.threadTurns('thread-a', 2, ids[3])).toEqual([
      { question: 'turn 2', rephrased_question: 'turn 2 in full', sql: 'SELECT 2' },
      { question: 'turn 3', rephrased_question: 'turn 3 in full', sql: 'SELECT 3' },
    ]);
    expect((await store.asks.threadTurns('thread-a', 10)).map((turn) => turn.question)).toEqual([
      'turn 1',
      'turn 2',
      'turn 3',
      'turn 4',
    ]);
  });

  test('ask history keeps every field the pipeline writes', async () => {
    const id = await store.asks.create({
      question: '各部门的人数',
      source: 'slack',
      datasource: 'default',
      thread_id: 't-1',
      asked_by: 'U123',
    });
    await store.asks.update(id, {
      rephrased_question: '各部门的员工人数',
      intent: 'TEXT_TO_SQL',
      sql: 'SELECT 1',
      status: 'failed',
      row_count: 0,
      timings: { generation: 1200, execution: 35 },
      error_code: 'SQL_EXECUTION_FAILED',
      error: 'x'.repeat(10_000),
    });
    const record = await store.asks.get(id);
    expect(record).toMatchObject({
      question: '各部门的人数',
      normalized_question: '各部门的人数',
      rephrased_question: '各部门的员工人数',
      intent: 'TEXT_TO_SQL',
      thread_id: 't-1',
      asked_by: 'U123',
      source: 'slack',
      status: 'failed',
      row_count: 0,
      timings: { generation: 1200, execution: 35 },
      error_code: 'SQL_EXECUTION_FAILED',
      rating: null,
    });
    expect(record?.asked_by_name).toBeNull();
    expect(record?.error).toHaveLength(4000);
    expect(
      isQuarryError(
        await rejection(store.asks.update('missing', { status: 'stopped' })),
        'NOT_FOUND',
      ),
    ).toBe(true);
  });

  test("the asker's name is kept beside the id, and the list search finds asks by it", async () => {
    const named = await store.asks.create({
      question: 'Which projects are late?',
      source: 'slack',
      datasource: 'default',
      asked_by: 'U777',
      asked_by_name: '李雷 (Lei Li) 🚀',
    });
    const unnamed = await store.asks.create({
      question: 'Which projects did Lei Li lead?',
      source: 'slack',
      datasource: 'default',
      asked_by: 'U778',
    });
    expect(await store.asks.get(named)).toMatchObject({
      asked_by: 'U777',
      asked_by_name: '李雷 (Lei Li) 🚀',
    });
    expect((await store.asks.get(unnamed))?.asked_by_name).toBeNull();

    const found = async (q: string) => (await store.asks.list({ q })).items.map((ask) => ask.id);
    expect(await found('李雷')).toEqual([named]);
    // Case-insensitive like every list search; the question matches as it always did.
    expect((await found('lei li')).sort()).toEqual([named, unnamed].sort());
  });
  test('the answer, chart and follow-ups are kept, bounded, and the chart only in a single record', async () => {
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      mark: { type: 'bar' },
      data: { values: [{ 部门: '研发中心', 人数: 42 }] },
    };
    const id = await store.asks.create({
      question: '各部门人数',
      source: 'ws',
      datasource: 'default',
    });
    await store.asks.update(id, {
      status: 'finished',
      answer: '研发中心人数最多，共 42 人。',
      chart: { kind: 'bar', chosen_by: 'rules', spec },
      follow_ups: ['市场部呢？', '去年呢？', '哪个部门增长最快？'],
    });
    expect(await store.asks.get(id)).toMatchObject({
      answer: '研发中心人数最多，共 42 人。',
      chart: { kind: 'bar', chosen_by: 'rules', spec },
      follow_ups: ['市场部呢？', '去年呢？', '哪个部门增长最快？'],
    });
    // A page of the list leaves the chart out (its spec carries the rows), not the rest.
    const listed = (await store.asks.list({ q: '各部门人数' })).items.find((ask) => ask.id === id);
    expect(listed).toMatchObject({ answer: '研发中心人数最多，共 42 人。' });
    expect(listed?.follow_ups).toHaveLength(3);
    expect(listed && 'chart' in listed).toBe(false);

    // A chart whose rows would overflow a TEXT column keeps its kind; a long answer is cut.
    const big = await store.asks.create({
      question: 'every sale',
      source: 'ws',
      datasource: 'default',
    });
    const rows = Array.from({ length: 3000 }, (_, i) => ({ 客户: `客户-${i}`, amount: i * 1.5 }));
    await store.asks.update(big, {
      status: 'finished',
      answer: `${'销售额很高。'.repeat(2000)}🚀`,
      chart: { kind: 'scatter', chosen_by: 'model', spec: { ...spec, data: { values: rows } } },
      follow_ups: Array.from({ length: 8 }, (_, i) => `${i}${'问'.repeat(500)}`),
    });
    const kept = await store.asks.get(big);
    expect(kept?.chart).toEqual({ kind: 'scatter', chosen_by: 'model', spec: null });
    expect(Array.from(kept?.answer ?? '')).toHaveLength(4000);
    expect(kept?.answer?.endsWith('…')).toBe(true);
    expect(kept?.follow_ups).toHaveLength(5);
    expect(kept?.follow_ups?.every((question) => Array.from(question).length <= 300)).toBe(true);

    // An ask from before these columns, or one without the parts, reads as nulls.
    const plain = await store.asks.create({
      question: 'plain',
      source: 'ws',
      datasource: 'default',
    });
    expect(await store.asks.get(plain)).toMatchObject({
      answer: null,
      chart: null,
      follow_ups: null,
    });
  });
});
