import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BACKENDS } from '../knowledge/appDatabase.js';
import { type AdminApiHarness, startAdminApi } from './apiHarness.js';

const SECRET = 'Sup3r-s3cret%21';
const SALES_URL = `mysql://reader:${SECRET}@db.internal:3306/sales`;

describe.each(BACKENDS)('admin API data sources on %s', (backend) => {
  let api: AdminApiHarness;
  const tested: string[] = [];
  const previewed: Array<[string, string]> = [];
  let dir: string;
  /** A real SQLite database file: data-source URLs must name one. */
  let sqliteFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-ds-'));
    sqliteFile = join(dir, 'sales.sqlite');
    const file = new Database(sqliteFile);
    file.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY)');
    file.close();
    api = await startAdminApi(backend, 'datasources', {
      testConnection: async (url) => {
        tested.push(url);
        if (url.includes('unreachable')) throw new Error('connect ECONNREFUSED 10.0.0.1:3306');
      },
      describeDataSource: async (name) => [
        {
          name: 'orders',
          columns: [
            { name: 'id', type: 'int' },
            { name: 'amount', type: 'decimal' },
          ],
          foreignKeys: [],
          source: name,
        },
      ],
      previewSql: async (name, sql) => {
        previewed.push([name, sql]);
        return { columns: ['n'], rows: [{ n: 1 }], capped: false };
      },
    });
    await api.store.datasources.ensureDefault('sqlite:/var/lib/quarry/demo.sqlite');
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('create, list, read by id or name, change the description, delete', async () => {
    const created = await api.request('POST', '/api/datasources', {
      body: { name: 'sales', url: SALES_URL, description: 'Sales warehouse' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'sales',
      url: 'mysql://reader:***@db.internal:3306/sales',
      has_password: true,
      description: 'Sales warehouse',
    });
    const listed = await api.request('GET', '/api/datasources');
    expect(listed.body.items.map((item: { name: string }) => item.name)).toEqual([
      'default',
      'sales',
    ]);
    expect((await api.request('GET', `/api/datasources/${created.body.id}`)).body.name).toBe(
      'sales',
    );
    expect((await api.request('GET', '/api/datasources/sales')).body.id).toBe(created.body.id);

    const described = await api.request('PUT', '/api/datasources/sales', {
      body: { description: 'Sales DW' },
    });
    expect(described.body.description).toBe('Sales DW');
    expect(await api.store.datasources.getUrl('sales')).toBe(SALES_URL);

    const duplicate = await api.request('POST', '/api/datasources', {
      body: { name: 'sales', url: `sqlite:${sqliteFile}` },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.fields).toHaveProperty('name');

    const temp = await api.request('POST', '/api/datasources', {
      body: { name: 'temp', url: `sqlite:${sqliteFile}` },
    });
    expect(temp.body.has_password).toBe(false);
    expect((await api.request('DELETE', '/api/datasources/temp')).status).toBe(204);
    expect((await api.request('GET', '/api/datasources/temp')).status).toBe(404);
  });

  test('bad names and URLs are 400 naming the field', async () => {
    const response = await api.request('POST', '/api/datasources', {
      body: { name: 'Sales DB', url: 'oracle://x@y/z' },
    });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body.error.fields).sort()).toEqual(['name', 'url']);
    const rename = await api.request('PUT', '/api/datasources/sales', { body: { name: 'sales2' } });
    expect(rename.status).toBe(400);
    expect(rename.body.error.fields).toHaveProperty('name');
  });

  test('PUT without url keeps the stored one; a masked password keeps the stored password', async () => {
    const masked = (await api.request('GET', '/api/datasources/sales')).body.url;
    const otherDatabase = await api.request('PUT', '/api/datasources/sales', {
      body: { url: masked.replace('/sales', '/sales_archive') },
    });
    expect(otherDatabase.status).toBe(200);
    expect(await api.store.datasources.getUrl('sales')).toBe(
      `mysql://reader:${SECRET}@db.internal:3306/sales_archive`,
    );
    // The stored password never goes to another server.
    const before = await api.store.datasources.getUrl('sales');
    for (const url of [
      masked.replace('db.internal', 'attacker.example'),
      masked.replace(':3306', ':3307'),
      masked.replace('reader', 'admin'),
    ]) {
      const moved = await api.request('PUT', '/api/datasources/sales', { body: { url } });
      expect(moved.status).toBe(400);
      expect(moved.body.error.fields.url).toMatch(/enter the password/);
    }
    expect(await api.store.datasources.getUrl('sales')).toBe(before);
    await api.request('PUT', '/api/datasources/sales', { body: { url: SALES_URL } });
    expect(await api.store.datasources.getUrl('sales')).toBe(SALES_URL);
  });

  test('the default data source cannot be deleted', async () => {
    const response = await api.request('DELETE', '/api/datasources/default');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/default/);
    expect(await api.store.datasources.getUrl('default')).toBe(
      'sqlite:/var/lib/quarry/demo.sqlite',
    );
  });

  test('test connection: ok, the driver message on failure, and stored passwords are reused', async () => {
    const ok = await api.request('POST', '/api/datasources/test', {
      body: { url: `sqlite:${sqliteFile}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true });
    const failed = await api.request('POST', '/api/datasources/test', {
      body: { url: 'mysql://u:p@unreachable:3306/db' },
    });
    expect(failed.status).toBe(400);
    expect(failed.body.error.message).toMatch(/ECONNREFUSED/);
    expect(failed.body.error.fields.url).toMatch(/ECONNREFUSED/);
    expect(failed.body.error.reason).toMatchObject({
      code: 'connection_failed',
      params: { detail: expect.stringMatching(/ECONNREFUSED/) },
    });

    await api.request('POST', '/api/datasources/test', { body: { name: 'sales' } });
    expect(tested.at(-1)).toBe(SALES_URL);
    await api.request('POST', '/api/datasources/test', {
      body: { name: 'sales', url: 'mysql://reader:***@db.internal:3306/sales_archive' },
    });
    expect(tested.at(-1)).toBe(`mysql://reader:${SECRET}@db.internal:3306/sales_archive`);
    // Testing a masked URL against another host would hand it the stored password.
    const elsewhere = await api.request('POST', '/api/datasources/test', {
      body: { name: 'sales', url: 'mysql://reader:***@db3.internal:3306/sales' },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.fields.url).toMatch(/enter the password/);
    expect(tested.at(-1)).toBe(`mysql://reader:${SECRET}@db.internal:3306/sales_archive`);
    const none = await api.request('POST', '/api/datasources/test', { body: {} });
    expect(none.body.error.fields).toHaveProperty('url');
  });

  test('schema merges admin descriptions; descriptions can be set, replaced and removed', async () => {
    const revision = await api.store.revision();
    const set = await api.request('PUT', '/api/datasources/sales/descriptions', {
      body: { table: 'orders', description: 'One row per order.' },
    });
    expect(set.body).toMatchObject({ datasource: 'sales', table: 'orders', column: null });
    await api.request('PUT', '/api/datasources/sales/descriptions', {
      body: { table: 'orders', column: 'amount', description: 'In CNY' },
    });
    await api.request('PUT', '/api/datasources/sales/descriptions', {
      body: { table: 'orders', column: 'amount', description: 'In CNY, tax included' },
    });
    expect(await api.store.revision()).toBe(revision + 3);

    const schema = await api.request('GET', '/api/datasources/sales/schema');
    expect(schema.body.tables[0]).toMatchObject({
      name: 'orders',
      description: 'One row per order.',
      columns: [
        { name: 'id', description: null },
        { name: 'amount', description: 'In CNY, tax included' },
      ],
    });
    expect(schema.body.descriptions).toHaveLength(2);

    const removed = await api.request('PUT', '/api/datasources/sales/descriptions', {
      body: { table: 'orders', column: 'amount', description: '' },
    });
    expect(removed.status).toBe(204);
    expect(await api.store.schemaDescriptions.list('sales')).toHaveLength(1);
    const unknown = await api.request('PUT', '/api/datasources/nowhere/descriptions', {
      body: { table: 'orders', description: 'x' },
    });
    expect(unknown.status).toBe(404);
  });

  test('preview runs the SQL through the server-provided previewSql', async () => {
    const response = await api.request('POST', '/api/datasources/sales/preview', {
      body: { sql: 'SELECT 1 AS n' },
    });
    expect(response.body).toEqual({ columns: ['n'], rows: [{ n: 1 }], capped: false });
    expect(previewed).toEqual([['sales', 'SELECT 1 AS n']]);
    expect((await api.request('POST', '/api/datasources/sales/preview', { body: {} })).status).toBe(
      400,
    );
  });

  test('no response ever contained the password', () => {
    expect(api.seen.length).toBeGreaterThan(15);
    for (const body of api.seen) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain('Sup3r');
    }
  });
});

test('data source routes without their server dependencies answer 501', async () => {
  const api = await startAdminApi('sqlite', 'ds-501');
  try {
    await api.store.datasources.ensureDefault('sqlite:/tmp/d.sqlite');
    for (const [method, path, body] of [
      ['POST', '/api/datasources/test', { url: 'sqlite:/tmp/x' }],
      ['GET', '/api/datasources/default/schema', undefined],
      ['POST', '/api/datasources/default/preview', { sql: 'SELECT 1' }],
    ] as const) {
      const response = await api.request(method, path, { body });
      expect(response.status, path).toBe(501);
      expect(response.body.error.message).toMatch(/not available/);
    }
  } finally {
    await api.close();
  }
});
