import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BACKENDS } from '../knowledge/appDatabase.js';
import { type AdminApiHarness, startAdminApi } from './apiHarness.js';

describe.each(BACKENDS)('admin API knowledge resources on %s', (backend) => {
  let api: AdminApiHarness;
  const expanded: Array<[string, string]> = [];

  beforeAll(async () => {
    api = await startAdminApi(backend, 'knowledge', {
      expandSql: async (sql, datasource) => {
        expanded.push([sql, datasource]);
        const maps = await api.store.abbreviationDictionaries();
        const rewrites: Array<{ before: string; after: string }> = [];
        const rewritten = sql.replace(/'([^']*)'/g, (literal, value: string) => {
          const after = maps.department.get(value);
          if (after === undefined) return literal;
          rewrites.push({ before: value, after });
          return `'${after}'`;
        });
        return { sql: rewritten, rewrites };
      },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  test('SQL pairs: create, read, page, search, change, delete', async () => {
    for (let n = 1; n <= 25; n++) {
      const created = await api.request('POST', '/api/sql-pairs', {
        body: { question: `Orders in month ${n}?`, sql: `SELECT * FROM orders WHERE month = ${n}` },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        question: `Orders in month ${n}?`,
        datasource: 'default',
      });
    }
    const first = await api.request('GET', '/api/sql-pairs?page=1&page_size=10');
    expect(first.body).toMatchObject({ total: 25, page: 1, page_size: 10 });
    expect(first.body.items).toHaveLength(10);
    const last = await api.request('GET', '/api/sql-pairs?page=3&page_size=10');
    expect(last.body.items).toHaveLength(5);
    const pageIds = [...first.body.items, ...last.body.items].map(
      (item: { id: number }) => item.id,
    );
    expect(new Set(pageIds).size).toBe(15);

    const search = await api.request('GET', `/api/sql-pairs?q=${encodeURIComponent('MONTH = 1')}`);
    expect(search.body.items.map((item: { question: string }) => item.question).sort()).toEqual(
      [
        'Orders in month 1?',
        ...Array.from({ length: 10 }, (_, i) => `Orders in month ${10 + i}?`),
      ].sort(),
    );
    // `%` and `_` in the search text are literal characters, not wildcards.
    expect((await api.request('GET', '/api/sql-pairs?q=%25')).body.total).toBe(0);

    const id = first.body.items[0].id;
    expect((await api.request('GET', `/api/sql-pairs/${id}`)).body.id).toBe(id);
    const changed = await api.request('PUT', `/api/sql-pairs/${id}`, {
      body: { sql: 'SELECT 42' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.sql).toBe('SELECT 42');
    expect((await api.store.sqlPairs.get(id))?.sql).toBe('SELECT 42');

    expect((await api.request('DELETE', `/api/sql-pairs/${id}`)).status).toBe(204);
    expect((await api.request('GET', `/api/sql-pairs/${id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/api/sql-pairs/${id}`)).status).toBe(404);
    expect((await api.request('GET', '/api/sql-pairs/not-a-number')).status).toBe(404);
  });

  test('bad bodies are 400 naming each offending field', async () => {
    const empty = await api.request('POST', '/api/sql-pairs', {
      body: { question: '   ', sql: 42 },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('BAD_REQUEST');
    expect(empty.body.error.fields).toEqual({
      question: 'question must not be empty',
      sql: 'sql must be a string',
    });
    const missing = await api.request('POST', '/api/sql-pairs', { body: {} });
    expect(missing.body.error.fields).toEqual({
      question: 'question is required',
      sql: 'sql is required',
    });
    const notObject = await api.request('POST', '/api/sql-pairs', { body: ['question'] });
    expect(notObject.body.error.fields).toHaveProperty('body');
    const badPage = await api.request('GET', '/api/sql-pairs?page=0&page_size=100000');
    expect(badPage.status).toBe(400);
    expect(Object.keys(badPage.body.error.fields).sort()).toEqual(['page', 'page_size']);
    const instruction = await api.request('POST', '/api/instructions', {
      body: { text: 'Fiscal year starts in April.', scope: 'matched', questions: [] },
    });
    expect(instruction.status).toBe(400);
    expect(instruction.body.error.fields.questions).toMatch(/at least one question/);
    const scope = await api.request('POST', '/api/instructions', {
      body: { text: 'x', scope: 'local' },
    });
    expect(scope.body.error.fields.scope).toBe('scope must be "global" or "matched"');
  });

  test('a duplicate SQL pair question (after normalization) is 409 naming the field', async () => {
    await api.request('POST', '/api/sql-pairs', {
      body: { question: 'Top customers?', sql: 'SELECT 1' },
    });
    const duplicate = await api.request('POST', '/api/sql-pairs', {
      body: { question: 'TOP  customers', sql: 'SELECT 2' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({
      code: 'CONFLICT',
      fields: { question: expect.any(String) },
    });
  });

  test('instructions: matched ones keep their questions; a PUT may change only some fields', async () => {
    const created = await api.request('POST', '/api/instructions', {
      body: {
        text: 'Fiscal year starts in April.',
        scope: 'matched',
        questions: ['revenue this fiscal year'],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      scope: 'matched',
      questions: ['revenue this fiscal year'],
    });
    const global = await api.request('POST', '/api/instructions', {
      body: { text: 'Amounts are in CNY.', scope: 'global' },
    });
    expect(global.body.questions).toEqual([]);

    const id = created.body.id;
    const renamed = await api.request('PUT', `/api/instructions/${id}`, {
      body: { text: 'FY starts 1 April.' },
    });
    expect(renamed.body).toMatchObject({
      text: 'FY starts 1 April.',
      scope: 'matched',
      questions: ['revenue this fiscal year'],
    });
    const emptied = await api.request('PUT', `/api/instructions/${id}`, {
      body: { questions: [] },
    });
    expect(emptied.status).toBe(400);
    expect((await api.store.instructions.get(id))?.questions).toEqual(['revenue this fiscal year']);

    const listed = await api.request('GET', '/api/instructions?q=fiscal');
    expect(listed.body.items.map((item: { id: number }) => item.id)).toEqual([id]);
    expect((await api.request('DELETE', `/api/instructions/${id}`)).status).toBe(204);
    expect((await api.request('GET', '/api/instructions')).body.total).toBe(1);
  });

  test('dictionaries: each kind is its own list; a duplicate abbreviation is 409', async () => {
    const rd = await api.request('POST', '/api/dictionaries/department', {
      body: { abbreviation: 'RD', full_name: 'Research and Development' },
    });
    expect(rd.status).toBe(201);
    expect(rd.body).toMatchObject({ kind: 'department', abbreviation: 'RD' });
    await api.request('POST', '/api/dictionaries/project', {
      body: { abbreviation: 'RD', full_name: 'Road' },
    });

    for (const abbreviation of ['RD', 'rd', ' Rd ']) {
      const duplicate = await api.request('POST', '/api/dictionaries/department', {
        body: { abbreviation, full_name: 'Other' },
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.fields).toHaveProperty('abbreviation');
    }
    const hr = await api.request('POST', '/api/dictionaries/department', {
      body: { abbreviation: 'HR', full_name: 'People' },
    });
    const clash = await api.request('PUT', `/api/dictionaries/department/${hr.body.id}`, {
      body: { abbreviation: 'rd' },
    });
    expect(clash.status).toBe(409);
    // An id of the other dictionary is not found here.
    expect((await api.request('GET', `/api/dictionaries/project/${hr.body.id}`)).status).toBe(404);

    const departments = await api.request('GET', '/api/dictionaries/department?q=research');
    expect(departments.body.items.map((item: { full_name: string }) => item.full_name)).toEqual([
      'Research and Development',
    ]);
    expect((await api.request('GET', '/api/dictionaries/project')).body.total).toBe(1);
    expect((await api.request('GET', '/api/dictionaries/team')).status).toBe(404);
  });

  test('a dictionary change through the API applies to the next rewrite', async () => {
    const before = await api.request('POST', '/api/dictionaries/preview', {
      body: { sql: "SELECT * FROM staff WHERE dept = 'OPS'", datasource: 'sales' },
    });
    expect(before.body).toEqual({ sql: "SELECT * FROM staff WHERE dept = 'OPS'", rewrites: [] });
    await api.request('POST', '/api/dictionaries/department', {
      body: { abbreviation: 'OPS', full_name: 'Operations' },
    });
    const after = await api.request('POST', '/api/dictionaries/preview', {
      body: { sql: "SELECT * FROM staff WHERE dept = 'OPS'" },
    });
    expect(after.body).toEqual({
      sql: "SELECT * FROM staff WHERE dept = 'Operations'",
      rewrites: [{ before: 'OPS', after: 'Operations' }],
    });
    expect(expanded.at(-1)).toEqual(["SELECT * FROM staff WHERE dept = 'OPS'", 'default']);
    const invalid = await api.request('POST', '/api/dictionaries/preview', { body: {} });
    expect(invalid.body.error.fields).toEqual({ sql: 'sql is required' });
  });
});

test('routes whose dependency the server lacks answer 501 with a clear message', async () => {
  const api = await startAdminApi('sqlite', 'no-deps');
  try {
    const preview = await api.request('POST', '/api/dictionaries/preview', {
      body: { sql: 'SELECT 1' },
    });
    expect(preview.status).toBe(501);
    expect(preview.body.error.message).toMatch(/not available/);
  } finally {
    await api.close();
  }
});
