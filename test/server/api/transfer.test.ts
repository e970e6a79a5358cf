import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BACKENDS } from '../knowledge/appDatabase.js';
import { type AdminApiHarness, startAdminApi } from './apiHarness.js';

const TRICKY_SQL = `SELECT dept, COUNT(*) AS "n"
FROM staff
WHERE name LIKE '%张%' AND city IN ('北京', 'Shanghai')
GROUP BY dept`;

describe.each(BACKENDS)('admin API import and export on %s', (backend) => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await startAdminApi(backend, 'transfer');
  });
  afterAll(async () => {
    await api?.close();
  });

  test('CSV import keeps good rows, reports each bad one, and a re-import changes nothing', async () => {
    const csv = [
      'question,sql',
      '"How many staff per department?","SELECT dept, COUNT(*) FROM staff GROUP BY dept"',
      ',SELECT 1',
      '"Missing SQL",',
      '"Total revenue?","SELECT SUM(amount) FROM orders"',
      'Unquoted comma row,SELECT a, b FROM t',
      '"how many staff per department","SELECT 2"',
      '"Broken "quote" row","SELECT 3"',
      '"Staff in Beijing?","SELECT * FROM staff WHERE city = \'北京\'"',
    ].join('\n');
    const first = await api.request('POST', '/api/sql-pairs/import', { raw: csv });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(
      first.body.errors.map((error: { row: number; field?: string }) => [error.row, error.field]),
    ).toEqual([
      [2, 'question'],
      [3, 'sql'],
      [5, undefined],
      [6, 'question'],
      [7, undefined],
    ]);
    expect(first.body.errors[2].message).toMatch(/quote values that contain commas/);
    expect(first.body.errors[3].message).toMatch(/repeats the question of row 1/);
    expect((await api.store.sqlPairs.list()).total).toBe(3);

    const again = await api.request('POST', '/api/sql-pairs/import', { raw: csv });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(again.body.errors).toHaveLength(5);

    const revision = await api.store.revision();
    const changed = csv.replace('SELECT SUM(amount) FROM orders', 'SELECT SUM(total) FROM orders');
    const third = await api.request('POST', '/api/sql-pairs/import?mode=overwrite', {
      raw: changed,
    });
    expect(third.body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(await api.store.revision()).toBe(revision + 1);
    const pairs = (await api.store.sqlPairs.exportAll()).map((pair) => pair.sql);
    expect(pairs).toContain('SELECT SUM(total) FROM orders');
  });

  test('JSON import validates each object; the format follows the content type or ?format=', async () => {
    const rows = [
      { question: 'Average order value?', sql: 'SELECT AVG(amount) FROM orders' },
      { question: 'Average order value by city?', sql: '' },
      'not an object',
      { question: 'Orders on the sales database?', sql: 'SELECT 1', datasource: 'sales' },
      { question: 'Orders on the sales database?', sql: 'SELECT 1', datasource: 'Bad Name!' },
    ];
    const response = await api.request('POST', '/api/sql-pairs/import', { body: rows });
    expect(response.body).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(
      response.body.errors.map((error: { row: number; field?: string }) => [
        error.row,
        error.field,
      ]),
    ).toEqual([
      [2, 'sql'],
      [3, 'body'],
      [5, 'datasource'],
    ]);
    const asText = await api.request('POST', '/api/sql-pairs/import?format=json', {
      raw: JSON.stringify(rows.slice(0, 1)),
      contentType: 'text/plain',
    });
    expect(asText.body).toMatchObject({ created: 0, unchanged: 1 });
    const notArray = await api.request('POST', '/api/sql-pairs/import', {
      body: { question: 'x' },
    });
    expect(notArray.status).toBe(400);
    const badFormat = await api.request('POST', '/api/sql-pairs/import?format=xml', { raw: 'x' });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error.message).toMatch(/format must be csv or json/);
  });

  test('a CSV without the required header is rejected as a whole', async () => {
    const response = await api.request('POST', '/api/sql-pairs/import', {
      raw: 'q,s\nHow many?,SELECT 1\n',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/question,sql/);
    const empty = await api.request('POST', '/api/sql-pairs/import', { raw: 'question,sql\n' });
    expect(empty.status).toBe(400);
  });

  test('export round-trips commas, quotes, new lines and Chinese through CSV and JSON', async () => {
    await api.request('POST', '/api/sql-pairs', {
      body: { question: '各部门, "张"姓员工人数?', sql: TRICKY_SQL },
    });
    const before = await api.store.sqlPairs.exportAll();

    const csv = await api.request('GET', '/api/sql-pairs/export?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/sql-pairs\.csv/);
    const records = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(records).toContainEqual({
      question: '各部门, "张"姓员工人数?',
      sql: TRICKY_SQL,
      datasource: 'default',
    });
    expect(records).toHaveLength(before.length);

    const json = await api.request('GET', '/api/sql-pairs/export?format=json');
    expect(json.body).toEqual(
      before.map(({ question, sql, datasource }) => ({ question, sql, datasource })),
    );

    // Re-importing either export into the same store changes nothing.
    const fromCsv = await api.request('POST', '/api/sql-pairs/import', { raw: csv.text });
    expect(fromCsv.body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: before.length,
      errors: [],
    });
    const fromJson = await api.request('POST', '/api/sql-pairs/import', { body: json.body });
    expect(fromJson.body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: before.length,
      errors: [],
    });
  });

  test('dictionaries import and export the same way, per kind', async () => {
    const csv =
      'abbreviation,full_name\nRD,Research and Development\nHR,Human Resources\nrd,Duplicate\n,Nameless\n';
    const first = await api.request('POST', '/api/dictionaries/department/import', { raw: csv });
    expect(first.body).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(
      first.body.errors.map((error: { row: number; field?: string }) => [error.row, error.field]),
    ).toEqual([
      [3, 'abbreviation'],
      [4, 'abbreviation'],
    ]);
    expect((await api.store.abbreviationDictionaries()).department.get('RD')).toBe(
      'Research and Development',
    );
    expect((await api.request('GET', '/api/dictionaries/project')).body.total).toBe(0);

    const exported = await api.request('GET', '/api/dictionaries/department/export');
    expect(exported.text.trim().split(/\r?\n/)).toEqual([
      '"abbreviation","full_name","columns"',
      '"HR","Human Resources",""',
      '"RD","Research and Development",""',
    ]);
    const again = await api.request('POST', '/api/dictionaries/department/import', {
      raw: exported.text,
    });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, errors: [] });
    const json = await api.request('GET', '/api/dictionaries/department/export?format=json');
    expect(json.body).toEqual([
      { abbreviation: 'HR', full_name: 'Human Resources', columns: [] },
      { abbreviation: 'RD', full_name: 'Research and Development', columns: [] },
    ]);
  });

  test('a generated 10,000-row CSV import finishes and reports counts', async () => {
    const lines = ['question,sql'];
    for (let n = 0; n < 10_000; n++) {
      lines.push(`"Bulk question number ${n}, please?","SELECT ${n} AS n, 'x,y' AS s FROM dual"`);
    }
    lines.push(',SELECT 1');
    const csv = lines.join('\n');
    const started = Date.now();
    const response = await api.request('POST', '/api/sql-pairs/import', { raw: csv });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ created: 10_000, updated: 0, unchanged: 0 });
    expect(response.body.errors).toEqual([
      {
        row: 10_001,
        field: 'question',
        message: 'question must not be empty',
        reason: { code: 'empty', params: { field: 'question' } },
      },
    ]);
    expect(
      (await api.request('GET', '/api/sql-pairs?q=Bulk%20question&page_size=1')).body.total,
    ).toBe(10_000);
    expect(elapsed).toBeLessThan(20_000);

    const again = await api.request('POST', '/api/sql-pairs/import', { raw: csv });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 10_000 });
  }, 60_000);
});
