import { seedMessages } from '@quarry/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

const intent = (rephrased: string) =>
  JSON.stringify({ rephrased_question: rephrased, intent: 'TEXT_TO_SQL', reason: 'test' });

async function hide(quarry: TestQuarry, target: { table: string; column?: string }, hidden = true) {
  const response = await fetch(`${quarry.baseUrl}/api/datasources/default/descriptions`, {
    method: 'PUT',
    headers: ADMIN_HEADERS,
    body: JSON.stringify({ ...target, hidden }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The DDL part of a prompt: the demo's table descriptions mention column names in prose. */
const schemaOf = (system = '') => system.split('### DATABASE SCHEMA')[1] ?? '';

describe('tables and columns hidden by an admin', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry({
      ASK_INTENT_CLASSIFICATION: 'true',
      SQL_REWRITE_MAX_ATTEMPTS: '1',
    });
    await hide(quarry, { table: 'employees', column: 'salary' });
    await hide(quarry, { table: 'projects' });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  const prompt = (task: string) =>
    quarry.fake.chatRequests.filter((request) => request.system.includes(`TASK: ${task}`));

  it('never reach the model; SQL using a hidden column is refused before it runs, and a rewrite without it succeeds', async () => {
    const refused = 'SELECT name, salary FROM employees ORDER BY salary DESC LIMIT 3';
    const rewrite = 'SELECT name, title FROM employees ORDER BY hire_date LIMIT 3';
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: INTENT/, intent('工资最高的三名员工')],
        [/TASK: SQL GENERATION/, { content: `\`\`\`sql\n${refused}\n\`\`\``, chunks: [refused] }],
        [/TASK: SQL DIAGNOSIS/, 'salary is hidden; order by something else.'],
        [/TASK: SQL CORRECTION/, `\`\`\`sql\n${rewrite}\n\`\`\``],
      ]),
    );
    const ws = await connect(quarry.wsUrl);
    const frames = (await collectFrames(ws, query('工资最高的三名员工'))).map((f) => f.text);
    ws.close();

    // Worded for the asker in the question's language; the model gets the guard's own words.
    const refusal = '这条 SQL 读取了已隐藏的列 employees.salary，该列不对提问开放。';
    expect(frames).toEqual([
      seedMessages.received,
      seedMessages.generating,
      refused,
      'DONE',
      `最终SQL语句: ${refused}`,
      '正在执行SQL查询...',
      `SQL查询失败: ${refusal}`,
      '正在尝试重写SQL语句...',
      `模型重写的SQL内容: \`\`\`sql\n${rewrite}\n\`\`\``,
      `重写后的SQL语句: ${rewrite}`,
      '正在执行重写后的SQL查询...',
      '重写后的SQL查询成功',
      expect.stringContaining(`{"status":"success","sql":"${rewrite}","result":[{"name":`),
    ]);
    const rows = JSON.parse(frames.at(-1) as string).result as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0] ?? {})).toEqual(['name', 'title']);

    // Neither the column nor its description reached any prompt's schema.
    const [generation] = prompt('SQL GENERATION');
    expect(schemaOf(generation?.system)).toContain('CREATE TABLE "employees"');
    for (const request of [...prompt('SQL GENERATION'), ...prompt('SQL CORRECTION')]) {
      expect(request.system).not.toContain('"salary"');
      expect(request.system).not.toContain('月薪');
    }
    // Nor did the hidden table's name reach intent classification.
    const tables = prompt('INTENT')[0]?.system.split('### TABLES\n')[1]?.split('\n')[0] ?? '';
    expect(tables.split(', ')).toContain('employees');
    expect(tables.split(', ')).not.toContain('projects');
  });

  it('a hidden table is refused even through SELECT *, as is SELECT * over a hidden column', async () => {
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: INTENT/, intent('每个员工的工时 timesheets')],
        [/TASK: SQL GENERATION/, '```sql\nSELECT * FROM projects\n```'],
        [/TASK: SQL DIAGNOSIS/, 'projects is not available.'],
        [/TASK: SQL CORRECTION/, '```sql\nSELECT * FROM employees\n```'],
      ]),
    );
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    const events = (
      await collectFrames(ws, query('每个员工的工时 timesheets'), isClosingEvent)
    ).map((frame) => JSON.parse(frame.text) as Record<string, unknown> & { type: string });
    ws.close();

    const failures = events.filter((event) => event.type === 'execution_failed');
    expect(failures).toEqual([
      expect.objectContaining({
        phase: 'dry_run',
        code: 'UNSAFE_SQL',
        sql: 'SELECT * FROM projects',
        error: expect.stringContaining('已隐藏的表 projects'),
      }),
      expect.objectContaining({
        phase: 'dry_run',
        code: 'UNSAFE_SQL',
        sql: 'SELECT * FROM employees',
        error: expect.stringContaining('已隐藏的列（employees.salary）'),
      }),
    ]);
    expect(outcomeEvent(events)).toMatchObject({ type: 'error', code: 'UNSAFE_SQL' });
    expect(events.some((event) => event.type === 'result')).toBe(false);

    // The table that points at the hidden one is shown without its foreign key.
    const schema = schemaOf(prompt('SQL GENERATION')[0]?.system);
    expect(schema).toContain('CREATE TABLE "timesheets"');
    expect(schema).not.toContain('CREATE TABLE "projects"');
    expect(schema).not.toContain('REFERENCES "projects"');
  });

  it('a SQL pair that reads a hidden column is not shown to the model as a sample', async () => {
    for (const pair of [
      {
        question: '员工的月薪排名',
        sql: 'SELECT name, salary FROM employees ORDER BY salary DESC',
      },
      {
        question: '员工的入职排名',
        sql: 'SELECT name, hire_date FROM employees ORDER BY hire_date',
      },
    ]) {
      // Stored directly, as a pair saved before its column was hidden: the API refuses it now.
      await quarry.server.store.sqlPairs.create({ ...pair, datasource: 'default' });
    }
    const sql = 'SELECT name FROM employees ORDER BY hire_date LIMIT 3';
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: INTENT/, intent('员工的排名')],
        [/TASK: SQL GENERATION/, `\`\`\`sql\n${sql}\n\`\`\``],
      ]),
    );
    const ws = await connect(`${quarry.wsUrl}?format=json`);
    const events = (await collectFrames(ws, query('员工的排名'), isClosingEvent)).map(
      (frame) => JSON.parse(frame.text) as Record<string, unknown>,
    );
    ws.close();
    expect(outcomeEvent(events)).toMatchObject({ type: 'result', sql });
    const [generation] = prompt('SQL GENERATION');
    expect(generation?.system).toContain('ORDER BY hire_date');
    // (The demo's table description names the column in prose; the sample's SQL is what counts.)
    expect(generation?.system).not.toContain('SELECT name, salary FROM employees');
  });

  it('the console preview refuses them too', async () => {
    const preview = (sql: string) =>
      fetch(`${quarry.baseUrl}/api/datasources/default/preview`, {
        method: 'POST',
        headers: ADMIN_HEADERS,
        body: JSON.stringify({ sql }),
      });
    const refused = await preview('SELECT name, salary FROM employees');
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'UNSAFE_SQL' });
    expect(body.error.message).toContain('hidden column employees.salary');
    expect((await preview('SELECT COUNT(*) AS n FROM projects')).status).toBe(400);
    const allowed = await preview('SELECT name FROM employees ORDER BY id LIMIT 1');
    expect(allowed.status).toBe(200);
  });

  it('a column shown again is back in the next ask', async () => {
    await hide(quarry, { table: 'employees', column: 'salary' }, false);
    try {
      const sql = 'SELECT name, salary FROM employees ORDER BY salary DESC LIMIT 3';
      quarry.fake.onChat(
        routeByPrompt([
          [/TASK: INTENT/, intent('工资最高的三名员工')],
          [/TASK: SQL GENERATION/, `\`\`\`sql\n${sql}\n\`\`\``],
        ]),
      );
      const ws = await connect(`${quarry.wsUrl}?format=json`);
      const events = (await collectFrames(ws, query('工资最高的三名员工'), isClosingEvent)).map(
        (frame) => JSON.parse(frame.text) as Record<string, unknown>,
      );
      ws.close();
      expect(outcomeEvent(events)).toMatchObject({ type: 'result', sql, row_count: 3 });
      expect(schemaOf(prompt('SQL GENERATION')[0]?.system)).toContain('"salary"');
    } finally {
      await hide(quarry, { table: 'employees', column: 'salary' });
    }
  });
});
