import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { demoSql } from '../../../server/src/demo/build.js';
import {
  demoCalculatedFields,
  demoMetrics,
  demoRelationships,
} from '../../../server/src/demo/semantics.js';
import { createLogger } from '../../../server/src/logger.js';
import type { DataSource } from '../../../server/src/ports.js';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  query,
  startTestQuarry,
  type TestQuarry,
} from '../../support/quarry.js';

type Json = Record<string, unknown> & { type?: string };

async function api(quarry: TestQuarry, method: string, path: string, body?: unknown) {
  const response = await fetch(`${quarry.baseUrl}/api/datasources/${path}`, {
    method,
    headers: ADMIN_HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
}

/** One ask in events mode; every frame parsed. */
async function ask(quarry: TestQuarry, question: string, extra: Record<string, unknown> = {}) {
  const ws = await connect(`${quarry.wsUrl}?format=json`);
  try {
    const frames = await collectFrames(ws, query(question, extra), isClosingEvent);
    return frames.map((frame) => JSON.parse(frame.text) as Json);
  } finally {
    ws.close();
  }
}

/** The ask's history record once its outcome is written (the write follows the result). */
async function historyOf(quarry: TestQuarry, askId: string) {
  for (;;) {
    const { body } = await api(quarry, 'GET', `../asks/${askId}`);
    if (body?.status === 'finished' || body?.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sqlAnswer = (sql: string) => ({ content: `\`\`\`sql\n${sql}\n\`\`\``, chunks: [sql] });
const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();

describe.each(['sqlite', 'mariadb'] as const)('the semantic layer on %s', (backend) => {
  let quarry: TestQuarry;
  let company: TestDatabase | undefined;
  let direct: DataSource;

  beforeAll(async () => {
    if (backend === 'mariadb') {
      company = await createTestDatabase('semantic_layer', await demoSql());
      quarry = await startTestQuarry({ DATABASE_URL: company.url });
      // Not the demo: the definitions go in through the API, as an admin's would.
      for (const input of demoRelationships) {
        expect((await api(quarry, 'POST', 'default/relationships', input)).status).toBe(201);
      }
      for (const input of demoCalculatedFields) {
        expect((await api(quarry, 'POST', 'default/calculated-fields', input)).status).toBe(201);
      }
      for (const input of demoMetrics) {
        expect((await api(quarry, 'POST', 'default/metrics', input)).status).toBe(201);
      }
    } else {
      quarry = await startTestQuarry();
    }
    const url = company?.url ?? `sqlite:${join(quarry.dir, 'demo.sqlite')}`;
    direct = openDataSource(url, { logger: createLogger('silent') });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(async () => {
    await direct?.close();
    await quarry?.close();
    await company?.drop();
  });

  const run = async (sql: string) =>
    (await direct.execute(sql, { rowLimit: 100_000, timeoutMs: 10_000 })).rows;

  it('lists the definitions with their output columns, and declared keys as read-only relationships', async () => {
    const metrics = await api(quarry, 'GET', 'default/metrics');
    expect(metrics.body.items.map((m: Json) => m.name)).toEqual([
      'department_monthly_hours',
      'monthly_sales_by_region',
    ]);
    const sales = metrics.body.items[1];
    expect(sales.problem).toBeNull();
    expect(sales.columns.map((c: Json) => c.name)).toEqual([
      'region',
      'month',
      'sales_amount',
      'orders',
    ]);
    const relationships = (await api(quarry, 'GET', 'default/relationships?page_size=100')).body;
    expect(relationships.items).toContainEqual(
      expect.objectContaining({
        id: null,
        source: 'declared',
        from_table: 'timesheets',
        from_columns: ['project_id'],
        to_table: 'projects',
        to_columns: ['id'],
      }),
    );
    expect(relationships.items).toContainEqual(
      expect.objectContaining({
        source: 'defined',
        from_table: 'departments',
        from_columns: ['manager_id'],
        to_table: 'employees',
      }),
    );
  });

  it('a question naming a metric retrieves it and its tables; reading it returns exactly the rows of its SQL', async () => {
    const written =
      "SELECT month, sales_amount, orders FROM monthly_sales_by_region WHERE region = '华东'";
    quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, sqlAnswer(written)]]));
    const events = await ask(quarry, '各大区每月销售额 monthly sales by region');

    const retrieved = events.find((event) => event.type === 'retrieved');
    expect(retrieved?.tables).toEqual(expect.arrayContaining(['monthly_sales_by_region', 'sales']));
    const generation = quarry.fake.chatRequests.find((r) =>
      r.system.includes('TASK: SQL GENERATION'),
    );
    const system = generation?.system ?? '';
    expect(system).toContain('-- METRIC monthly_sales_by_region: 各大区每月销售额');
    expect(system).toContain('SUM(amount) AS sales_amount');
    expect(system).toMatch(/Tables headed `-- METRIC`/);

    const sqlEvent = events.find((event) => event.type === 'sql');
    expect(sqlEvent?.semantics_used).toEqual({
      calculated_fields: [],
      metrics: ['monthly_sales_by_region'],
    });
    expect(sqlEvent?.sql).toMatch(/^WITH monthly_sales_by_region AS \(\nSELECT region,/);
    const result = events.find((event) => event.type === 'result') as Json;
    expect(result.sql).toBe(sqlEvent?.sql);
    const metricSql = demoMetrics.find((m) => m.name === 'monthly_sales_by_region')?.sql;
    const expected = await run(
      `SELECT month, sales_amount, orders FROM (${metricSql}) m WHERE region = '华东'`,
    );
    expect(expected.length).toBeGreaterThan(12);
    expect(sorted(result.rows as unknown[])).toEqual(sorted(expected));

    const record = await historyOf(quarry, String(result.ask_id));
    expect(record.semantics_used).toEqual({
      calculated_fields: [],
      metrics: ['monthly_sales_by_region'],
    });
    expect(record.sql).toBe(result.sql);
  });

  it('"人均工时" finds the metric and the tables it reads; text mode shows the SQL as it ran', async () => {
    const written =
      "SELECT month, hours_per_person FROM department_monthly_hours WHERE department = '研发中心' ORDER BY month";
    quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, sqlAnswer(written)]]));
    const ws = await connect(quarry.wsUrl);
    const frames = (await collectFrames(ws, query('研发中心每月的人均工时'))).map((f) => f.text);
    ws.close();
    const retrieval = quarry.fake.chatRequests.find((r) =>
      r.system.includes('TASK: SQL GENERATION'),
    );
    const schema = retrieval?.system.split('### DATABASE SCHEMA')[1] ?? '';
    expect(schema).toContain('-- METRIC department_monthly_hours: 人均工时');
    for (const table of ['timesheets', 'employees', 'departments']) {
      expect(schema).toMatch(new RegExp(`CREATE TABLE [\`"]${table}[\`"]`));
    }
    const metricSql = demoMetrics.find((m) => m.name === 'department_monthly_hours')?.sql;
    const ran = `WITH department_monthly_hours AS (\n${metricSql}\n)\n${written}`;
    expect(frames).toContain(`最终SQL语句: ${ran}`);
    const closing = JSON.parse(frames.at(-1) as string);
    expect(closing.status).toBe('success');
    expect(closing.sql).toBe(ran);
    expect(closing.result).toEqual(
      await run(
        `SELECT month, hours_per_person FROM (${metricSql}) m WHERE department = '研发中心' ORDER BY month`,
      ),
    );
    expect(closing.result.length).toBeGreaterThan(12);
  });

  it('a calculated field returns the rows of the SQL with its expression written out; an alias of that name is not expanded', async () => {
    const written =
      'SELECT p.name, p.budget_execution_rate FROM projects p WHERE p.budget_execution_rate > 0 ORDER BY p.budget_execution_rate DESC, p.name';
    const aliased =
      'SELECT name, budget / 10000 AS budget_execution_rate FROM projects ORDER BY budget_execution_rate DESC, name';
    let calls = 0;
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, () => sqlAnswer(calls++ === 0 ? written : aliased)]]),
    );
    const events = await ask(quarry, '各项目的预算执行率 budget execution rate of projects');
    const generation = quarry.fake.chatRequests.find((r) =>
      r.system.includes('TASK: SQL GENERATION'),
    );
    expect(generation?.system).toMatch(
      /"?`?budget_execution_rate`?"? GENERATED ALWAYS AS \(ROUND\(spent_amount/,
    );
    expect(generation?.system).toContain('calculated field: 项目预算执行率');

    const sqlEvent = events.find((event) => event.type === 'sql');
    expect(sqlEvent?.semantics_used).toEqual({
      calculated_fields: ['projects.budget_execution_rate', 'projects.spent_amount'],
      metrics: [],
    });
    const spent =
      "(SELECT COALESCE(SUM(x.amount), 0) FROM expenses x WHERE x.project_id = p.id AND x.status <> '已驳回')";
    const rate = `(ROUND((${spent}) * 100.0 / p.budget, 1))`;
    const byHand = `SELECT p.name, ${rate} AS budget_execution_rate FROM projects p WHERE ${rate} > 0 ORDER BY ${rate} DESC, p.name`;
    expect(sqlEvent?.sql).toBe(byHand);
    const result = events.find((event) => event.type === 'result') as Json;
    const expected = await run(byHand);
    expect(expected.length).toBeGreaterThan(3);
    expect(result.rows).toEqual(expected);
    expect(result.columns).toEqual(['name', 'budget_execution_rate']);

    const second = await ask(quarry, '各项目的预算执行率 budget execution rate of projects');
    const secondSql = second.find((event) => event.type === 'sql');
    expect(secondSql?.sql).toBe(aliased);
    expect(secondSql?.semantics_used).toBeUndefined();
    expect((second.find((event) => event.type === 'result') as Json).rows).toEqual(
      await run(aliased),
    );
  });

  it('a SQL pair reading a metric previews and answers its question with the metric written out', async () => {
    const pairSql =
      'SELECT region, SUM(sales_amount) AS total FROM monthly_sales_by_region GROUP BY region ORDER BY region';
    const preview = await api(quarry, 'POST', 'default/preview', { sql: pairSql });
    expect(preview.status).toBe(200);
    const metricSql = demoMetrics.find((m) => m.name === 'monthly_sales_by_region')?.sql;
    const byHand = `SELECT region, SUM(sales_amount) AS total FROM (${metricSql}) m GROUP BY region ORDER BY region`;
    expect(preview.body.rows).toEqual(await run(byHand));

    const question = `各大区销售总额 ${backend}`;
    const pair = await fetch(`${quarry.baseUrl}/api/sql-pairs`, {
      method: 'POST',
      headers: ADMIN_HEADERS,
      body: JSON.stringify({ question, sql: pairSql }),
    });
    expect(pair.status, await pair.clone().text()).toBe(201);
    const events = await ask(quarry, question);
    const sqlEvent = events.find((event) => event.type === 'sql');
    expect(
      sqlEvent,
      JSON.stringify(events.map((e) => [e.type, e.message ?? e.step])),
    ).toMatchObject({
      from_history: true,
      semantics_used: { calculated_fields: [], metrics: ['monthly_sales_by_region'] },
    });
    expect((events.find((event) => event.type === 'result') as Json).rows).toEqual(
      await run(byHand),
    );
    expect(quarry.fake.chatRequests).toHaveLength(0);
  });

  it('a metric that writes, does not run, or is named like a table cannot be saved, and says why', async () => {
    const write = await api(quarry, 'POST', 'default/metrics', {
      name: 'wipe_sales',
      description: 'not a read',
      sql: 'DELETE FROM sales',
    });
    expect(write.status).toBe(400);
    expect(write.body.error.message).toMatch(/^A metric's SQL must be one read-only SELECT/);
    expect(write.body.error.fields).toHaveProperty('sql');
    expect(write.body.error.reason).toEqual({
      code: 'metric_not_select',
      params: { head: 'DELETE' },
    });
    expect(write.body.error.field_reasons.sql).toEqual(write.body.error.reason);

    const stacked = await api(quarry, 'POST', 'default/metrics', {
      name: 'stacked_sales',
      description: 'a read with a write behind it',
      sql: 'SELECT region FROM sales; DROP TABLE sales',
    });
    expect(stacked.status).toBe(400);
    expect(stacked.body.error.message).toMatch(/^The metric's SQL is not a read-only query: /);
    expect(stacked.body.error.message).toContain('not a read');
    expect(stacked.body.error.reason.code).toMatch(/^sql_/);
    expect(stacked.body.error.field_reasons.sql.code).toBe(stacked.body.error.reason.code);

    const broken = await api(quarry, 'POST', 'default/metrics', {
      name: 'broken_sales',
      description: 'reads a column that does not exist',
      sql: 'SELECT region, SUM(no_such_column) AS total FROM sales GROUP BY region',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(
      /^The metric's SQL does not run on data source default: .*no_such_column/,
    );
    expect(broken.body.error.reason.code).toBe('sql_does_not_run');
    expect(broken.body.error.reason.params.datasource).toBe('default');
    expect(broken.body.error.reason.params.detail).toContain('no_such_column');

    const clash = await api(quarry, 'POST', 'default/metrics', {
      name: 'sales',
      description: 'shadows a table',
      sql: 'SELECT region FROM sales',
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error.fields).toHaveProperty('name');
    expect(clash.body.error.field_reasons.name).toEqual({
      code: 'semantic_table_taken',
      params: { name: 'sales' },
    });

    const field = await api(quarry, 'POST', 'default/calculated-fields', {
      table: 'employees',
      name: 'salary',
      expression: 'salary * 2',
      description: 'shadows a column',
    });
    expect(field.status).toBe(400);
    expect(field.body.error.message).toContain('already has a column named salary');
    expect(field.body.error.reason).toEqual({
      code: 'semantic_column_taken',
      params: { table: 'employees', name: 'salary' },
    });

    const breakout = await api(quarry, 'POST', 'default/calculated-fields', {
      table: 'employees',
      name: 'sneaky',
      expression: '1); DELETE FROM sales; SELECT (1',
      description: 'tries to break out',
    });
    expect(breakout.status).toBe(400);
    expect(breakout.body.error.fields).toHaveProperty('expression');
    expect(breakout.body.error.field_reasons.expression).toEqual({ code: 'expression_unbalanced' });

    const nowhere = await api(quarry, 'POST', 'default/relationships', {
      from_table: 'no_such_table',
      from_columns: ['id'],
      to_table: 'employees',
      to_columns: ['id'],
      kind: 'many_to_one',
    });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.message).toBe('There is no table no_such_table.');
    expect(nowhere.body.error.field_reasons.from_table).toEqual({
      code: 'semantic_no_table',
      params: { table: 'no_such_table' },
    });
    expect((await api(quarry, 'GET', 'default/metrics')).body.total).toBe(2);
    expect(await run('SELECT COUNT(*) AS n FROM sales')).toEqual([{ n: 1500 }]);
  });

  it('a change may send only the fields it changes; the others stay as stored', async () => {
    const changes = [
      { path: 'default/relationships?page_size=100', field: 'kind', value: 'one_to_one' },
      { path: 'default/calculated-fields', field: 'description', value: 'changed alone' },
      { path: 'default/metrics', field: 'description', value: 'changed alone' },
    ];
    for (const { path, field, value } of changes) {
      const list = (await api(quarry, 'GET', path)).body.items as Json[];
      const stored = list.find((item) => item.id !== null) as Json;
      const at = `${path.split('?')[0]}/${stored.id}`;
      const changed = await api(quarry, 'PUT', at, { [field]: value });
      expect(changed.status).toBe(200);
      const { updated_at: _before, ...kept } = stored;
      const { updated_at: _after, ...now } = changed.body;
      expect(now).toEqual({ ...kept, [field]: value });
      expect((await api(quarry, 'PUT', at, { [field]: stored[field] })).status).toBe(200);
    }
  });

  it('previews a calculated field and a metric as they would be saved', async () => {
    const field = await api(quarry, 'POST', 'default/calculated-fields/preview', {
      table: 'employees',
      name: 'monthly_cost',
      expression: 'annual_salary / 12',
    });
    expect(field.status).toBe(200);
    expect(field.body.columns.at(-1)).toBe('monthly_cost');
    expect(Number(field.body.rows[0].monthly_cost)).toBeCloseTo(Number(field.body.rows[0].salary));

    const metric = await api(quarry, 'POST', 'default/metrics/preview', {
      sql: 'SELECT region, COUNT(*) AS orders FROM sales GROUP BY region ORDER BY region',
    });
    expect(metric.status).toBe(200);
    expect(metric.body.rows).toEqual(
      await run('SELECT region, COUNT(*) AS orders FROM sales GROUP BY region ORDER BY region'),
    );
  });
});
