import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb.js';
import {
  collectFrames,
  connect,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

describe('choosing a data source per question', () => {
  let quarry: TestQuarry;
  let warehouse: TestDatabase;
  beforeAll(async () => {
    warehouse = await createTestDatabase(
      'choice',
      "CREATE TABLE shipments (id INT PRIMARY KEY, city VARCHAR(20)); INSERT INTO shipments VALUES (1, '杭州'), (2, '成都');",
    );
    quarry = await startTestQuarry();
    const created = await fetch(`${quarry.baseUrl}/api/datasources`, {
      method: 'POST',
      headers: ADMIN_HEADERS,
      body: JSON.stringify({
        name: 'warehouse',
        url: warehouse.url,
        description: '仓储 shipments',
      }),
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await quarry?.close();
    await warehouse?.drop();
  });

  it('runs a /ws question on the data source it names', async () => {
    quarry.fake.enqueue('```sql\nSELECT city FROM shipments ORDER BY id\n```');
    const ws = await connect(quarry.wsUrl);
    const frames = (
      await collectFrames(ws, query('发货城市有哪些', { datasource: 'warehouse' }))
    ).map((f) => f.text);
    ws.close();
    expect(JSON.parse(frames.at(-1) as string)).toEqual({
      status: 'success',
      sql: 'SELECT city FROM shipments ORDER BY id',
      result: [{ city: '杭州' }, { city: '成都' }],
    });
    // The model was shown that data source's schema, not the default one's.
    const generation = quarry.fake.chatRequests.at(-1);
    expect(generation?.system).toContain('CREATE TABLE `shipments`');
    expect(generation?.system).not.toContain('employees');
  });

  it('shows the model only the SQL pairs of the data source asked about', async () => {
    for (const pair of [
      { question: '发货城市一共几个', sql: 'SELECT COUNT(DISTINCT city) FROM shipments' },
      { question: '部门城市一共几个', sql: 'SELECT COUNT(DISTINCT city) FROM departments' },
    ]) {
      const datasource = pair.sql.includes('shipments') ? 'warehouse' : 'default';
      const created = await fetch(`${quarry.baseUrl}/api/sql-pairs`, {
        method: 'POST',
        headers: ADMIN_HEADERS,
        body: JSON.stringify({ ...pair, datasource }),
      });
      expect(created.status).toBe(201);
    }
    quarry.fake.enqueue('```sql\nSELECT DISTINCT city FROM shipments\n```');
    const ws = await connect(quarry.wsUrl);
    await collectFrames(ws, query('有哪些城市', { datasource: 'warehouse' }));
    ws.close();
    const generation = quarry.fake.chatRequests.at(-1);
    expect(generation?.system).toContain('SELECT COUNT(DISTINCT city) FROM shipments');
    expect(generation?.system).not.toContain('FROM departments');
  });

  it('runs a /v1 ask on the data source it names', async () => {
    quarry.fake.enqueue('```sql\nSELECT COUNT(*) AS n FROM shipments\n```');
    const started = await fetch(`${quarry.baseUrl}/v1/asks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '一共几单', datasource: 'warehouse' }),
    });
    const { query_id } = (await started.json()) as { query_id: string };
    await expect
      .poll(
        async () =>
          (await (await fetch(`${quarry.baseUrl}/v1/asks/${query_id}/result`)).json()) as Record<
            string,
            unknown
          >,
      )
      .toMatchObject({ status: 'finished', rows: [{ n: 2 }] });
  });

  it('answers an unknown data source with a clear error', async () => {
    const ws = await connect(quarry.wsUrl);
    const frames = (await collectFrames(ws, query('随便问问', { datasource: 'nope' }))).map(
      (f) => f.text,
    );
    ws.close();
    const closing = JSON.parse(frames.at(-1) as string) as { status: string; message: string };
    expect(closing.status).toBe('error');
    expect(closing.message).toMatch(/nope/);
    expect(frames.at(-2)).toBe(`查询处理过程中发生异常: ${closing.message}`);
    expect(
      quarry.fake.chatRequests.filter((request) => request.lastUser.includes('随便问问')),
    ).toHaveLength(0);
  });
});
