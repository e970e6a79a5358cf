import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dataSourceOptions } from '../../../server/src/knowledge/dataSource.js';
import { knowledgeMigrations } from '../../../server/src/knowledge/migrations/index.js';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { sqliteDatabaseFile } from '../../support/sqliteFile.js';
import { BACKENDS, createAppDatabase, silentLogger } from '../knowledge/appDatabase.js';
import { type AdminApiHarness, startAdminApi } from './apiHarness.js';

const PATH = '/api/datasources/sales/descriptions';

describe.each(BACKENDS)('admin API access rules on %s', (backend) => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await startAdminApi(backend, 'access', {
      describeDataSource: async () => [
        {
          name: 'orders',
          columns: [
            { name: 'id', type: 'int' },
            { name: 'amount', type: 'decimal' },
            { name: 'margin', type: 'decimal' },
          ],
          foreignKeys: [],
        },
        { name: 'salaries', columns: [{ name: 'amount', type: 'decimal' }], foreignKeys: [] },
      ],
    });
    await api.store.datasources.ensureDefault('sqlite:/tmp/default.sqlite');
    const created = await api.request('POST', '/api/datasources', {
      body: { name: 'sales', url: `sqlite:${await sqliteDatabaseFile('sales')}` },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
  });

  test('a table or a column is hidden without a description; the schema shows it, each change moves the revision', async () => {
    const revision = await api.store.revision();
    const column = await api.request('PUT', PATH, {
      body: { table: 'orders', column: 'margin', hidden: true },
    });
    expect(column.status).toBe(200);
    expect(column.body).toMatchObject({
      datasource: 'sales',
      table: 'orders',
      column: 'margin',
      description: '',
      hidden: true,
    });
    await api.request('PUT', PATH, { body: { table: 'salaries', hidden: true } });
    // Describing a hidden column keeps it hidden.
    const described = await api.request('PUT', PATH, {
      body: { table: 'orders', column: 'margin', description: 'Gross margin' },
    });
    expect(described.body).toMatchObject({ description: 'Gross margin', hidden: true });
    await api.request('PUT', PATH, { body: { table: 'orders', description: 'One row per order' } });
    expect(await api.store.revision()).toBe(revision + 4);

    const schema = await api.request('GET', '/api/datasources/sales/schema');
    expect(schema.status).toBe(200);
    expect(schema.body.tables).toEqual([
      {
        name: 'orders',
        description: 'One row per order',
        hidden: false,
        foreignKeys: [],
        columns: [
          { name: 'id', type: 'int', description: null, hidden: false },
          { name: 'amount', type: 'decimal', description: null, hidden: false },
          { name: 'margin', type: 'decimal', description: 'Gross margin', hidden: true },
        ],
      },
      {
        name: 'salaries',
        description: null,
        hidden: true,
        foreignKeys: [],
        columns: [{ name: 'amount', type: 'decimal', description: null, hidden: false }],
      },
    ]);
    const listed = await api.request('GET', PATH);
    expect(
      listed.body.items.map((item: { table: string; column: string | null; hidden: boolean }) => [
        item.table,
        item.column,
        item.hidden,
      ]),
    ).toEqual([
      ['orders', null, false],
      ['orders', 'margin', true],
      ['salaries', null, true],
    ]);
  });

  test('showing again keeps a description; an entry with neither is removed (204)', async () => {
    const shown = await api.request('PUT', PATH, {
      body: { table: 'orders', column: 'margin', hidden: false },
    });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ description: 'Gross margin', hidden: false });

    // Clearing the description of a hidden table keeps it hidden.
    const cleared = await api.request('PUT', PATH, {
      body: { table: 'salaries', description: '' },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: '', hidden: true });

    const revision = await api.store.revision();
    const removed = await api.request('PUT', PATH, { body: { table: 'salaries', hidden: false } });
    expect(removed.status).toBe(204);
    expect(await api.store.revision()).toBe(revision + 1);
    const entries = await api.store.schemaDescriptions.list('sales');
    expect(entries.map((entry) => [entry.table, entry.column])).toEqual([
      ['orders', null],
      ['orders', 'margin'],
    ]);
    const schema = await api.request('GET', '/api/datasources/sales/schema');
    expect(schema.body.tables[1]).toMatchObject({ name: 'salaries', hidden: false });
  });

  test('bad bodies are 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ table: 'orders', hidden: 'yes' }, 'hidden'],
      [{ table: 'orders', column: 'id', hidden: 1 }, 'hidden'],
      [{ table: 'orders' }, 'description'],
      [{ hidden: true }, 'table'],
    ];
    for (const [body, field] of cases) {
      const response = await api.request('PUT', PATH, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(response.body.error.fields), JSON.stringify(body)).toEqual([field]);
      expect(response.body.error.message).toContain(field);
    }
    const unknown = await api.request('PUT', '/api/datasources/nowhere/descriptions', {
      body: { table: 'orders', hidden: true },
    });
    expect(unknown.status).toBe(404);
  });
});

test.each(BACKENDS)(
  'on %s, descriptions written before access rules existed survive the migration, visible',
  async (backend) => {
    const db = await createAppDatabase(backend, 'access-migration');
    try {
      const options = dataSourceOptions(db.url, false);
      const before = new DataSource({
        ...options,
        entities: [],
        migrations: knowledgeMigrations.slice(0, 2),
      });
      await before.initialize();
      await before.runMigrations();
      await before.query(
        'INSERT INTO schema_descriptions (datasource, table_name, column_name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          'default',
          'orders',
          'amount',
          'In CNY',
          '2026-01-01 00:00:00.000',
          '2026-01-01 00:00:00.000',
        ],
      );
      await before.destroy();

      const store = await openKnowledgeStore({ url: db.url, logger: silentLogger });
      try {
        expect(await store.schemaDescriptions.list('default')).toMatchObject([
          { table: 'orders', column: 'amount', description: 'In CNY', hidden: false },
        ]);
        await store.schemaDescriptions.change('default', 'orders', 'amount', { hidden: true });
        expect(await store.schemaDescriptions.list('default')).toMatchObject([
          { description: 'In CNY', hidden: true },
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  },
);
