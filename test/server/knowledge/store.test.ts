import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isQuarryError } from '../../../server/src/errors.js';
import { dataSourceOptions } from '../../../server/src/knowledge/dataSource.js';
import { AddAskedByName1767225600003 } from '../../../server/src/knowledge/migrations/1767225600003-AddAskedByName.js';
import { StoreSemanticProblemReasons1767225614001 } from '../../../server/src/knowledge/migrations/1767225614001-StoreSemanticProblemReasons.js';
import { knowledgeMigrations } from '../../../server/src/knowledge/migrations/index.js';
import type { KnowledgeStore } from '../../../server/src/knowledge/port.js';
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

/** A TypeORM connection that only looks: TypeORM reads MariaDB's defaults right only in mariadb mode. */
async function inspect<T>(url: string, look: (inspector: DataSource) => Promise<T>): Promise<T> {
  const options = dataSourceOptions(url, false);
  const inspector = new DataSource(
    options.type === 'mysql' ? { ...options, type: 'mariadb' } : options,
  );
  await inspector.initialize();
  try {
    return await look(inspector);
  } finally {
    await inspector.destroy();
  }
}

/** The DDL that would bring the database to the entities' schema: none when migrations did it all. */
const pendingSchemaChanges = (url: string) =>
  inspect(url, async (inspector) =>
    (await inspector.driver.createSchemaBuilder().log()).upQueries.map((query) => query.query),
  );

describe.each(BACKENDS)('knowledge store on %s', (backend) => {
  let db: AppDatabase;
  let store: KnowledgeStore;

  beforeAll(async () => {
    db = await createAppDatabase(backend, 'store');
    store = await openKnowledgeStore({ url: db.url, logger: silentLogger });
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  test('migrations build exactly the schema the entities describe, and re-opening runs none', async () => {
    const reopened = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    await reopened.close();

    await inspect(db.url, async (inspector) => {
      const executed = (await inspector.query('SELECT name FROM quarry_migrations')) as Array<{
        name: string;
      }>;
      // Every registered migration ran once, and nothing else did.
      expect(executed.map((row) => row.name).sort()).toEqual(
        knowledgeMigrations.map((migration) => migration.name).sort(),
      );
      expect(await inspector.showMigrations()).toBe(false);
    });
    expect(await pendingSchemaChanges(db.url)).toEqual([]);
  });

  test("a database the older migrations built gains askers' names and keeps its asks", async () => {
    const old = await createAppDatabase(backend, 'upgrade');
    try {
      const before = new DataSource({
        ...dataSourceOptions(old.url, false),
        migrations: knowledgeMigrations.slice(
          0,
          knowledgeMigrations.indexOf(AddAskedByName1767225600003),
        ),
      });
      await before.initialize();
      await before.runMigrations();
      await before.query(
        `INSERT INTO asks (id, question, normalized_question, question_key, thread_id, asked_by,
           source, datasource, status, timings, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          '00000000-0000-4000-8000-000000000001',
          '各部门的人数',
          '各部门的人数',
          'k'.repeat(64),
          'slack:C1:1.1',
          'U0OLD',
          'slack',
          'default',
          'finished',
          '{"generation":12}',
          '2026-01-01 08:00:00.000',
          '2026-01-01 08:00:01.000',
        ],
      );
      await before.destroy();

      const upgraded = await openKnowledgeStore({ url: old.url, logger: silentLogger });
      try {
        expect(await upgraded.asks.get('00000000-0000-4000-8000-000000000001')).toMatchObject({
          question: '各部门的人数',
          thread_id: 'slack:C1:1.1',
          asked_by: 'U0OLD',
          asked_by_name: null,
          status: 'finished',
          timings: { generation: 12 },
        });
        const named = await upgraded.asks.create({
          question: 'q',
          source: 'slack',
          datasource: 'default',
          asked_by: 'U0NEW',
          asked_by_name: 'Ada',
        });
        expect((await upgraded.asks.get(named))?.asked_by_name).toBe('Ada');
        expect((await upgraded.asks.list({ q: 'ada' })).items.map((ask) => ask.id)).toEqual([
          named,
        ]);
      } finally {
        await upgraded.close();
      }
      expect(await pendingSchemaChanges(old.url)).toEqual([]);
    } finally {
      await old.drop();
    }
  });

  test('semantic problems stored as English text are cleared, and their layer validated again', async () => {
    const old = await createAppDatabase(backend, 'problems');
    try {
      const before = new DataSource({
        ...dataSourceOptions(old.url, false),
        migrations: knowledgeMigrations.slice(
          0,
          knowledgeMigrations.indexOf(StoreSemanticProblemReasons1767225614001),
        ),
      });
      await before.initialize();
      await before.runMigrations();
      const quote = (name: string) => before.driver.escape(name);
      await before.query(
        `INSERT INTO metrics (datasource, name, name_key, description, ${quote('sql')}, ${quote('columns')}, problem,
           created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          'default',
          'headcount',
          'headcount',
          'People',
          'SELECT COUNT(*) AS n FROM employees',
          '[]',
          "The metric's SQL does not run on data source default: no such column: floor",
          '2026-01-01 08:00:00.000',
          '2026-01-01 08:00:00.000',
        ],
      );
      const key = quote('key');
      await before.query(
        `INSERT INTO settings (${key}, value, updated_at) VALUES (?, ?, ?), (?, ?, ?)`,
        [
          'semantics_schema:default',
          'abc',
          '2026-01-01 08:00:00.000',
          'demo_knowledge',
          'seeded',
          '2026-01-01 08:00:00.000',
        ],
      );
      await before.destroy();

      const upgraded = await openKnowledgeStore({ url: old.url, logger: silentLogger });
      try {
        const [metric] = (await upgraded.semantics.load('default')).metrics;
        expect(metric).toMatchObject({ name: 'headcount', problem: null, problem_reason: null });
        // Without the schema it was validated on, the next look validates the layer again.
        expect(await upgraded.settings.get('semantics_schema:default')).toBeUndefined();
        expect(await upgraded.settings.get('demo_knowledge')).toBe('seeded');
        const reason = { code: 'semantic_no_table', params: { table: 'teams' } } as const;
        await upgraded.semantics.flag('metric', metric?.id as number, {
          message: 'There is no table teams.',
          reason,
        });
        expect((await upgraded.semantics.load('default')).metrics[0]).toMatchObject({
          problem: 'There is no table teams.',
          problem_reason: reason,
        });
      } finally {
        await upgraded.close();
      }
    } finally {
      await old.drop();
    }
  });

  test('two processes opening a fresh database at once both succeed and migrate it once', async () => {
    const fresh = await createAppDatabase(backend, 'race');
    try {
      const [a, b] = await Promise.all([
        openKnowledgeStore({ url: fresh.url, logger: silentLogger }),
        openKnowledgeStore({ url: fresh.url, logger: silentLogger }),
      ]);
      await a.sqlPairs.create({ question: 'q', sql: 'SELECT 1', datasource: 'default' });
      expect((await b.sqlPairs.list()).total).toBe(1);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await fresh.drop();
    }
  });

  test('a dictionary change through one store is seen by another store on its very next call', async () => {
    const other = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    try {
      expect((await other.abbreviationDictionaries()).department.get('FIN')).toBeUndefined();

      const entry = await store.dictionaries.department.create({
        abbreviation: 'FIN',
        full_name: 'Finance',
      });
      expect((await other.abbreviationDictionaries()).department.get('FIN')).toBe('Finance');

      await store.dictionaries.department.update(entry.id, {
        abbreviation: 'FIN',
        full_name: 'Finance Dept',
      });
      expect((await other.abbreviationDictionaries()).department.get('FIN')).toBe('Finance Dept');

      await store.dictionaries.project.create({ abbreviation: 'APL', full_name: 'Apollo' });
      const maps = await other.abbreviationDictionaries();
      expect(maps.project.get('APL')).toBe('Apollo');
      expect(maps.department.has('APL')).toBe(false);

      await store.dictionaries.department.delete(entry.id);
      expect((await other.abbreviationDictionaries()).department.has('FIN')).toBe(false);
    } finally {
      await other.close();
    }
  });

  test('the revision moves on knowledge writes only', async () => {
    const before = await store.revision();
    await store.asks.create({ question: 'not knowledge', source: 'api', datasource: 'default' });
    await store.sqlPairs.list();
    expect(await store.revision()).toBe(before);

    const pair = await store.sqlPairs.create({
      question: 'rev',
      sql: 'SELECT 1',
      datasource: 'default',
    });
    expect(await store.revision()).toBe(before + 1);
    await store.instructions.create({ text: 'Use UTC.', scope: 'global', questions: [] });
    await store.schemaDescriptions.set('default', 'orders', null, 'One row per order.');
    await store.sqlPairs.delete(pair.id);
    expect(await store.revision()).toBe(before + 4);
  });

  test('unique values are CONFLICT naming the field; abbreviations compare case-insensitively', async () => {
    await store.dictionaries.project.create({ abbreviation: 'Zeus', full_name: 'Project Zeus' });
    const error = await rejection(
      store.dictionaries.project.create({ abbreviation: 'ZEUS', full_name: 'Other' }),
    );
    expect(isQuarryError(error, 'CONFLICT')).toBe(true);
    expect(
      (error as { context: { fields: Record<string, string> } }).context.fields,
    ).toHaveProperty('abbreviation');
    // The same abbreviation in the other dictionary is a different entry.
    await store.dictionaries.department.create({ abbreviation: 'Zeus', full_name: 'Zeus Team' });

    await store.sqlPairs.create({
      question: 'Top 5 customers?',
      sql: 'SELECT 1',
      datasource: 'default',
    });
    const duplicate = await rejection(
      store.sqlPairs.create({
        question: 'top 5 customers',
        sql: 'SELECT 2',
        datasource: 'default',
      }),
    );
    expect(isQuarryError(duplicate, 'CONFLICT')).toBe(true);
    await store.sqlPairs.create({
      question: 'top 5 customers',
      sql: 'SELECT 2',
      datasource: 'sales',
    });
  });

  test('settings: setIfAbsent keeps the first value; set replaces', async () => {
    expect(await store.settings.setIfAbsent('k', 'first')).toBe('first');
    expect(await store.settings.setIfAbsent('k', 'second')).toBe('first');
    await store.settings.set('k', 'third');
    expect(await store.settings.get('k')).toBe('third');
    expect(await store.settings.get('absent')).toBeUndefined();
  });

  test('data sources: the URL with its password is only available through getUrl', async () => {
    await store.datasources.ensureDefault('mysql://reader:s3cret@db.internal:3306/sales');
    await store.datasources.ensureDefault('mysql://reader:n3w@db.internal:3306/sales');
    const view = await store.datasources.get('default');
    expect(view).toMatchObject({
      url: 'mysql://reader:***@db.internal:3306/sales',
      has_password: true,
    });
    expect(JSON.stringify(await store.datasources.list())).not.toContain('n3w');
    expect(await store.datasources.getUrl('default')).toBe(
      'mysql://reader:n3w@db.internal:3306/sales',
    );
    expect(await store.datasources.getUrl('nope')).toBeUndefined();
  });
});

test('a store opened with synchronize (tests only) works without migrations', async () => {
  const db = await createAppDatabase('sqlite', 'sync');
  try {
    const store = await openKnowledgeStore({
      url: db.url,
      logger: silentLogger,
      synchronize: true,
    });
    await store.dictionaries.department.create({
      abbreviation: 'HR',
      full_name: 'Human Resources',
    });
    expect((await store.abbreviationDictionaries()).department.get('HR')).toBe('Human Resources');
    expect(await store.revision()).toBe(1);
    await store.close();
  } finally {
    await db.drop();
  }
});
