import { join } from 'node:path';
import Database from 'better-sqlite3';
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

async function api(
  quarry: TestQuarry,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const response = await fetch(`${quarry.baseUrl}${path}`, {
    method,
    headers: { ...ADMIN_HEADERS, 'content-type': contentType },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function askEvents(quarry: TestQuarry, question: string, datasource = 'default') {
  const ws = await connect(`${quarry.wsUrl}?format=json`);
  const frames = await collectFrames(ws, query(question, { datasource }), isClosingEvent);
  ws.close();
  return frames.map(
    (frame) => JSON.parse(frame.text) as Record<string, unknown> & { type: string },
  );
}

describe('SQL pairs and dictionary entries are checked on save and import', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    const hidden = await api(quarry, 'PUT', '/api/datasources/default/descriptions', {
      table: 'employees',
      column: 'salary',
      hidden: true,
    });
    expect(hidden.status).toBe(200);
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  it('refuses invalid SQL, a write, an unknown column and a hidden column, each with its reason', async () => {
    const cases: Array<[string, number, string, string, Record<string, unknown>?]> = [
      ['SELEC name FROM employe WHERE', 400, 'UNSAFE_SQL', 'sql_not_select'],
      ['DELETE FROM employees', 400, 'UNSAFE_SQL', 'sql_not_read_only', { what: 'DELETE' }],
      ['SELECT nickname FROM employees', 400, 'DRY_RUN_FAILED', 'sql_does_not_run'],
      [
        'SELECT name, salary FROM employees',
        400,
        'UNSAFE_SQL',
        'sql_hidden_column',
        { column: 'employees.salary' },
      ],
    ];
    for (const [sql, status, code, reason, params] of cases) {
      const saved = await api(quarry, 'POST', '/api/sql-pairs', { question: `问 ${sql}`, sql });
      expect(saved.status, sql).toBe(status);
      expect(saved.body.error.code, sql).toBe(code);
      expect(saved.body.error.reason.code, sql).toBe(reason);
      if (params) expect(saved.body.error.reason.params).toMatchObject(params);
      expect(saved.body.error.field_reasons.sql.code).toBe(reason);
      expect(saved.body.error.fields.sql).toBe(saved.body.error.message);
    }
    // People never read a sentence addressed to the model.
    const hidden = await api(quarry, 'POST', '/api/sql-pairs', {
      question: '工资',
      sql: 'SELECT salary FROM employees',
    });
    expect(hidden.body.error.message).not.toMatch(/leave it out/);
    expect((await api(quarry, 'GET', '/api/sql-pairs?q=问')).body.total).toBe(0);

    const good = await api(quarry, 'POST', '/api/sql-pairs', {
      question: '员工有多少人',
      sql: 'SELECT COUNT(*) AS n FROM employees',
    });
    expect(good.status).toBe(201);
    expect(good.body.broken).toBeNull();
    const edited = await api(quarry, 'PUT', `/api/sql-pairs/${good.body.id}`, {
      sql: 'UPDATE employees SET name = 1',
    });
    expect(edited.status).toBe(400);
    expect(edited.body.error.reason).toEqual({
      code: 'sql_not_read_only',
      params: { what: 'UPDATE' },
    });
  });

  it('previews an import (new, changed with the stored values, unchanged, rejected) and writes nothing until told', async () => {
    const goodSql = "SELECT COUNT(*) AS n FROM employees WHERE status = '在职'";
    await api(quarry, 'POST', '/api/sql-pairs', { question: '在职员工有多少人', sql: goodSql });
    await api(quarry, 'POST', '/api/sql-pairs', {
      question: '部门有几个',
      sql: 'SELECT COUNT(*) AS n FROM departments',
    });
    const csv = [
      'question,sql',
      '在职员工有多少人,"SELECT 1"',
      '部门有几个,SELECT COUNT(*) AS n FROM departments',
      '项目有几个,SELECT COUNT(*) AS n FROM projects',
      '删掉员工,DELETE FROM employees',
    ].join('\n');
    const revision = await quarry.server.store.revision();

    const preview = await api(
      quarry,
      'POST',
      '/api/sql-pairs/import?mode=overwrite&dry_run=true',
      csv,
      'text/csv',
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      mode: 'overwrite',
      dry_run: true,
      created: 1,
      updated: 1,
      unchanged: 1,
    });
    expect(
      preview.body.rows.map((row: { row: number; status: string; written: boolean }) => [
        row.row,
        row.status,
        row.written,
      ]),
    ).toEqual([
      [1, 'changed', true],
      [2, 'unchanged', false],
      [3, 'new', true],
      [4, 'rejected', false],
    ]);
    expect(preview.body.rows[0]).toMatchObject({
      key: '在职员工有多少人',
      values: { sql: 'SELECT 1' },
      before: { sql: goodSql },
    });
    expect(preview.body.rows[3].errors[0]).toMatchObject({
      field: 'sql',
      reason: { code: 'sql_not_read_only', params: { what: 'DELETE' } },
    });
    expect(await quarry.server.store.revision()).toBe(revision);
    expect((await api(quarry, 'GET', '/api/sql-pairs?q=项目有几个')).body.total).toBe(0);

    // The default never overwrites: the changed row is skipped and the good SQL stays.
    const created = await api(quarry, 'POST', '/api/sql-pairs/import', csv, 'text/csv');
    expect(created.body).toMatchObject({
      mode: 'create_only',
      created: 1,
      updated: 0,
      skipped: 1,
      unchanged: 1,
    });
    const kept = await api(quarry, 'GET', `/api/sql-pairs?q=${encodeURIComponent('在职员工')}`);
    expect(kept.body.items[0].sql).toBe(goodSql);

    const overwritten = await api(
      quarry,
      'POST',
      '/api/sql-pairs/import?mode=overwrite',
      csv,
      'text/csv',
    );
    expect(overwritten.body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(overwritten.body.errors).toHaveLength(1);
  });

  it('warns when a dictionary full name occurs nowhere in the columns it names', async () => {
    const unknown = await api(quarry, 'POST', '/api/dictionaries/department', {
      abbreviation: 'XH',
      full_name: '星河事业部',
      columns: ['departments.name'],
    });
    expect(unknown.status).toBe(201);
    expect(unknown.body.columns).toEqual(['departments.name']);
    expect(unknown.body.warnings).toEqual([
      {
        code: 'full_name_not_in_data',
        params: { full_name: '星河事业部', columns: 'departments.name', datasource: 'default' },
      },
    ]);
    const departments = await api(quarry, 'POST', '/api/datasources/default/preview', {
      sql: 'SELECT name FROM departments LIMIT 1',
    });
    const real = departments.body.rows[0].name as string;
    const known = await api(quarry, 'POST', '/api/dictionaries/project', {
      abbreviation: 'ZZ',
      full_name: real,
      columns: ['departments.name'],
    });
    expect(known.status).toBe(201);
    expect(known.body.warnings).toBeUndefined();
    const badColumn = await api(quarry, 'POST', '/api/dictionaries/project', {
      abbreviation: 'YY',
      full_name: real,
      columns: ['name'],
    });
    expect(badColumn.status).toBe(400);
    expect(badColumn.body.error.field_reasons['columns.0']).toEqual({ code: 'bad_column_name' });
  });

  it('checks a full name on every data source that has the columns the entry names', async () => {
    const branchPath = join(quarry.dir, 'branch.sqlite');
    const branch = new Database(branchPath);
    branch.exec(
      "CREATE TABLE departments (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO departments (name) VALUES ('西区分部'); CREATE TABLE regions (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO regions (name) VALUES ('华东')",
    );
    branch.close();
    const created = await api(quarry, 'POST', '/api/datasources', {
      name: 'branch',
      url: `sqlite:${branchPath}`,
    });
    expect(created.status).toBe(201);

    // Only the branch office's data has it: the default data source is named in the warning.
    const branchOnly = await api(quarry, 'POST', '/api/dictionaries/department', {
      abbreviation: 'XQ',
      full_name: '西区分部',
      columns: ['departments.name'],
    });
    expect(branchOnly.status).toBe(201);
    expect(branchOnly.body.warnings).toEqual([
      {
        code: 'full_name_not_in_data',
        params: { full_name: '西区分部', columns: 'departments.name', datasource: 'default' },
      },
    ]);
    // A column only the branch has is checked there, and found.
    const region = await api(quarry, 'POST', '/api/dictionaries/project', {
      abbreviation: 'HD',
      full_name: '华东',
      columns: ['regions.name'],
    });
    expect(region.status).toBe(201);
    expect(region.body.warnings).toBeUndefined();
    const wrongRegion = await api(quarry, 'POST', '/api/dictionaries/project', {
      abbreviation: 'HB',
      full_name: '华北',
      columns: ['regions.name', 'planets.name'],
    });
    expect(wrongRegion.body.warnings).toEqual([
      {
        code: 'full_name_not_in_data',
        params: { full_name: '华北', columns: 'regions.name', datasource: 'branch' },
      },
      { code: 'column_in_no_datasource', params: { column: 'planets.name' } },
    ]);
    // An import preview warns the same way, per row.
    const preview = await api(
      quarry,
      'POST',
      '/api/dictionaries/project/import?dry_run=true',
      'abbreviation,full_name,columns\nNB,宁波,regions.name\n',
      'text/csv',
    );
    expect(preview.body.rows[0].warnings).toEqual([
      {
        code: 'full_name_not_in_data',
        params: { full_name: '宁波', columns: 'regions.name', datasource: 'branch' },
      },
    ]);
  });
});

describe('a SQL pair broken by a schema change', () => {
  let quarry: TestQuarry;
  let labPath: string;
  beforeAll(async () => {
    quarry = await startTestQuarry();
    labPath = join(quarry.dir, 'lab.sqlite');
    const lab = new Database(labPath);
    lab.exec(
      "CREATE TABLE lab_items (id INTEGER PRIMARY KEY, name TEXT, colour TEXT); INSERT INTO lab_items (name, colour) VALUES ('flask', 'blue')",
    );
    lab.close();
    const created = await api(quarry, 'POST', '/api/datasources', {
      name: 'lab',
      url: `sqlite:${labPath}`,
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => quarry?.close());

  it('is badged broken and no longer answers a historical match', async () => {
    const question = 'What colour are the lab items?';
    const saved = await api(quarry, 'POST', '/api/sql-pairs', {
      question,
      sql: 'SELECT colour FROM lab_items',
      datasource: 'lab',
    });
    expect(saved.status).toBe(201);
    const before = await askEvents(quarry, question, 'lab');
    expect(before.find((event) => event.type === 'sql')).toMatchObject({ from_history: true });
    expect(quarry.fake.chatRequests).toHaveLength(0);

    const lab = new Database(labPath);
    lab.exec('ALTER TABLE lab_items DROP COLUMN colour');
    lab.close();

    const listed = await api(quarry, 'GET', '/api/sql-pairs?datasource=lab');
    const pair = listed.body.items.find((item: { id: number }) => item.id === saved.body.id);
    expect(pair.broken).toMatchObject({
      code: 'sql_does_not_run',
      params: { datasource: 'lab' },
    });
    expect(pair.broken.params.detail).toMatch(/colour/);

    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, '```sql\nSELECT name FROM lab_items\n```']]),
    );
    const after = await askEvents(quarry, question, 'lab');
    expect(after.find((event) => event.type === 'sql')?.from_history).toBeUndefined();
    expect(
      quarry.fake.chatRequests.some((request) => request.system.includes('TASK: SQL GENERATION')),
    ).toBe(true);
    expect(outcomeEvent(after)).toMatchObject({ type: 'result', rows: [{ name: 'flask' }] });
  });
});

describe('SQL pairs re-checked in the background when a schema changes', () => {
  let quarry: TestQuarry;
  let shopPath: string;
  beforeAll(async () => {
    quarry = await startTestQuarry({ SQL_PAIR_RECHECK_INTERVAL_MS: '200' });
    shopPath = join(quarry.dir, 'shop.sqlite');
    const shop = new Database(shopPath);
    shop.exec(
      "CREATE TABLE shop_items (id INTEGER PRIMARY KEY, name TEXT, colour TEXT); INSERT INTO shop_items (name, colour) VALUES ('mug', 'red')",
    );
    shop.close();
    const created = await api(quarry, 'POST', '/api/datasources', {
      name: 'shop',
      url: `sqlite:${shopPath}`,
    });
    expect(created.status).toBe(201);
  });
  afterAll(() => quarry?.close());

  it('badges a pair the schema broke and un-badges it once fixed, with nobody opening the list', async () => {
    const question = 'What colour are the shop items?';
    const saved = await api(quarry, 'POST', '/api/sql-pairs', {
      question,
      sql: 'SELECT colour FROM shop_items',
      datasource: 'shop',
    });
    expect(saved.status).toBe(201);
    const { store } = quarry.server;
    const brokenFlag = async () => (await store.sqlPairs.get(saved.body.id))?.broken ?? null;
    const revision = await store.revision();

    const shop = new Database(shopPath);
    shop.exec('ALTER TABLE shop_items DROP COLUMN colour');
    await expect.poll(brokenFlag).toMatchObject({
      code: 'sql_does_not_run',
      params: { datasource: 'shop' },
    });
    // The flag is knowledge: its change moves the revision every snapshot is keyed on.
    expect(await store.revision()).toBeGreaterThan(revision);
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, '```sql\nSELECT name FROM shop_items\n```']]),
    );
    const broken = await askEvents(quarry, question, 'shop');
    expect(broken.find((event) => event.type === 'sql')?.from_history).toBeUndefined();

    shop.exec("ALTER TABLE shop_items ADD COLUMN colour TEXT DEFAULT 'red'");
    shop.close();
    await expect.poll(brokenFlag).toBeNull();
    const fixed = await askEvents(quarry, question, 'shop');
    expect(fixed.find((event) => event.type === 'sql')).toMatchObject({
      sql: 'SELECT colour FROM shop_items',
      from_history: true,
    });
  });
});
