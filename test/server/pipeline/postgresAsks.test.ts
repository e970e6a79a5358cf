import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import type { RecordedChatRequest } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS, ADMIN_TOKEN } from '../../support/adminToken.js';
import { createTestPgDatabase, type TestPgDatabase } from '../../support/postgres.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';
import { askEvents, askText, outcomeEvent, sqlReply } from '../safety/support.js';

const HEADCOUNT = `SELECT d.name AS department, COUNT(*) AS headcount, MIN(e.hire_date) AS first_hired,
       AVG(e.salary)::numeric(12, 2) AS average_salary
FROM employees e JOIN departments d ON d.id = e.department_id
WHERE d.name = '研发中心' GROUP BY d.name`;

/** A read that would run for hours: 3,000³ combinations of timesheet rows. */
const runaway = (marker: string) =>
  `SELECT SUM(a.hours * b.hours + c.hours) AS ${marker} FROM timesheets a CROSS JOIN timesheets b CROSS JOIN timesheets c`;

describe('asks answered from a PostgreSQL data source', () => {
  let database: TestPgDatabase;
  let quarry: TestQuarry;
  /** What generation answers for a question, and what correction answers after it. */
  const script = new Map<string, { generate: string; correct?: string }>();

  const runningWith = async (marker: string) =>
    (
      await database.query(
        `SELECT pid FROM pg_stat_activity
         WHERE state = 'active' AND query LIKE $1 AND query NOT LIKE 'EXPLAIN%'
           AND pid <> pg_backend_pid()`,
        [`%${marker}%`],
      )
    ).length;

  beforeAll(async () => {
    database = await createTestPgDatabase('pg_asks', await demoSql());
    quarry = await startTestQuarry({
      DATABASE_URL: database.url,
      QUERY_ROW_LIMIT: '7',
      QUERY_TIMEOUT_MS: '60000',
      SQL_REWRITE_MAX_ATTEMPTS: '1',
    });
    quarry.fake.onChat((request: RecordedChatRequest) => {
      const prompt = request.messages.map((m) => m.content).join('\n');
      const entry = [...script.entries()].find(([question]) => prompt.includes(question))?.[1];
      if (request.system.includes('TASK: SQL DIAGNOSIS')) return 'The column is misspelt.';
      if (request.system.includes('TASK: SQL CORRECTION')) return sqlReply(entry?.correct ?? '');
      return sqlReply(entry?.generate ?? 'SELECT 1');
    });
  });
  afterAll(async () => {
    await quarry?.close();
    await database?.drop();
  });

  it('answers in text mode with exactly the seed frames', async () => {
    script.set('研发中心有多少人', { generate: HEADCOUNT });
    const frames = await askText(quarry.wsUrl, '研发中心有多少人');
    expect(frames.slice(0, 2)).toEqual([
      '正在处理查询请求...',
      '正在调用text2sql模型生成SQL语句...',
    ]);
    expect(frames).toContain(`最终SQL语句: ${HEADCOUNT}`);
    expect(frames.slice(-3, -1)).toEqual(['正在执行SQL查询...', 'SQL查询成功，结果行数: 1']);
    expect(JSON.parse(frames.at(-1) as string)).toEqual({
      status: 'success',
      sql: HEADCOUNT,
      result: [
        {
          department: '研发中心',
          headcount: 10,
          first_hired: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
          average_salary: expect.any(Number),
        },
      ],
    });
    const generation = quarry.fake.chatRequests.find((request) =>
      request.system.includes('TASK: SQL GENERATION'),
    );
    expect(generation?.system).toContain('PostgreSQL');
    expect(generation?.system).toContain('date_trunc');
    // The schema is shown with PostgreSQL's quoting and the foreign keys it read.
    expect(generation?.messages.map((m) => m.content).join('\n')).toContain(
      'FOREIGN KEY ("department_id") REFERENCES "departments"("id")',
    );
  });

  it('corrects SQL that fails the dry run, in events mode', async () => {
    script.set('五号员工叫什么', {
      generate: 'SELECT nme FROM employees WHERE id = 5',
      correct: 'SELECT name FROM employees WHERE id = 5',
    });
    const events = await askEvents(quarry.wsUrl, '五号员工叫什么');
    const result = events.find((event) => event.type === 'result');
    expect(result).toMatchObject({
      sql: 'SELECT name FROM employees WHERE id = 5',
      columns: ['name'],
      rows: [{ name: expect.any(String) }],
      row_count: 1,
      capped: false,
    });
    expect(events.some((event) => event.type === 'status' && event.status === 'correcting')).toBe(
      true,
    );
  });

  it('caps rows at QUERY_ROW_LIMIT and says so', async () => {
    script.set('所有工时记录', { generate: 'SELECT id, task FROM timesheets ORDER BY id' });
    const events = await askEvents(quarry.wsUrl, '所有工时记录');
    const result = events.find((event) => event.type === 'result') as { rows: unknown[] };
    expect(result).toMatchObject({ row_count: 7, capped: true });
    expect(result.rows).toHaveLength(7);
  });

  it('refuses reads of the system catalogs and other schemas, and writes the plan shows', async () => {
    await database.query('CREATE SCHEMA secrets');
    await database.query('CREATE TABLE secrets.keys (id INTEGER, secret TEXT)');
    const cases: [string, string, RegExp][] = [
      ['谁能登录', 'SELECT usename, passwd FROM pg_shadow', /pg_catalog\.pg_authid/],
      ['有哪些表', 'SELECT table_name FROM information_schema.tables', /pg_catalog\.pg_class/],
      ['密钥是什么', 'SELECT secret FROM secrets.keys', /secrets\.keys/],
      ['锁住员工', 'SELECT * FROM employees FOR UPDATE', /只读|锁定/],
    ];
    for (const [question, sql] of cases) script.set(question, { generate: sql, correct: sql });
    for (const [question, sql, mentions] of cases) {
      const events = await askEvents(quarry.wsUrl, question);
      const error = outcomeEvent(events) as { type: string; code: string; message: string };
      expect(error, sql).toMatchObject({ type: 'error', code: 'UNSAFE_SQL' });
      expect(error.message, sql).toMatch(mentions);
    }
  });

  it('takes a postgres:// data source through the API and answers from its schema', async () => {
    await database.query('CREATE SCHEMA IF NOT EXISTS finance');
    await database.query(
      "CREATE TABLE finance.budgets (year INTEGER, amount NUMERIC(12, 2)); COMMENT ON TABLE finance.budgets IS '年度预算'",
    );
    await database.query('INSERT INTO finance.budgets VALUES (2024, 100.5), (2025, 200)');
    const created = await fetch(`${quarry.baseUrl}/api/datasources`, {
      method: 'POST',
      headers: ADMIN_HEADERS,
      body: JSON.stringify({ name: 'finance', url: `${database.url}?schema=finance` }),
    });
    expect(created.status).toBe(201);
    const tables = await fetch(`${quarry.baseUrl}/api/datasources/finance/schema`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(JSON.stringify(await tables.json())).toContain('年度预算');
    script.set('今年预算多少', { generate: 'SELECT amount FROM budgets WHERE year = 2025' });
    const events = await askEvents(quarry.wsUrl, '今年预算多少', { datasource: 'finance' });
    expect(events.find((event) => event.type === 'result')).toMatchObject({
      rows: [{ amount: 200 }],
    });
  });

  it('cancels the running query on the server when the ask is stopped', async () => {
    const marker = `stop_${randomBytes(4).toString('hex')}`;
    script.set('一直数下去', { generate: runaway(marker) });
    const started = await fetch(`${quarry.baseUrl}/v1/asks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '一直数下去' }),
    });
    const { query_id } = (await started.json()) as { query_id: string };
    const status = async () =>
      (
        (await (await fetch(`${quarry.baseUrl}/v1/asks/${query_id}/result`)).json()) as {
          status: string;
        }
      ).status;
    await expect.poll(() => runningWith(marker), { timeout: 5000 }).toBe(1);
    expect(await status()).toBe('executing');

    const stop = await fetch(`${quarry.baseUrl}/v1/asks/${query_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'stopped' }),
    });
    expect(await stop.json()).toEqual({ query_id, stopped: true });
    await expect.poll(status, { timeout: 2000 }).toBe('stopped');
    await expect.poll(() => runningWith(marker), { timeout: 2000 }).toBe(0);
  });
});
