import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { demoSql } from '../../../server/src/demo/build.js';
import { createLogger } from '../../../server/src/logger.js';
import type { DataSource } from '../../../server/src/ports.js';
import {
  createTestPgDatabase,
  POSTGRES_ROOT_URL,
  type TestPgDatabase,
} from '../../support/postgres.js';
import { describeDataSourceBehaviour, failure } from './behaviour.js';
import { describeServerDataSourceBehaviour, goneWithin } from './serverBehaviour.js';

const logger = createLogger('silent');
const LIMITS = { rowLimit: 100, timeoutMs: 10_000 };

describeDataSourceBehaviour('PostgreSQL', async () => {
  const database = await createTestPgDatabase('ds_behaviour', await demoSql());
  return {
    open: async () => openDataSource(database.url, { logger }),
    slowSql: 'SELECT pg_sleep(5) AS slept',
    readOnlyMessage: /read-only transaction/,
    refusedWriteCode: 'SQL_EXECUTION_FAILED',
    cleanup: () => database.drop(),
  };
});

describeServerDataSourceBehaviour('PostgreSQL', async () => {
  const database = await createTestPgDatabase('ds_server', await demoSql());
  const runningWith = (marker: string) => runningOn(database, marker);
  return {
    url: database.url,
    database: database.name,
    unreachableUrl: (port, password) =>
      `postgresql://postgres:${password}@127.0.0.1:${port}/warehouse`,
    missingDatabaseUrl: `${POSTGRES_ROOT_URL}/qt_no_such_database_here`,
    sleepSql: (seconds, alias) => `SELECT pg_sleep(${seconds}) AS ${alias}`,
    runningWith,
    async dropConnection(marker) {
      await database.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()',
        [`%${marker}%`],
      );
    },
    cleanup: () => database.drop(),
  };
});

/** Backends whose running statement contains `marker`. */
function runningOn(database: TestPgDatabase, marker: string): Promise<unknown[]> {
  return database.query(
    `SELECT pid FROM pg_stat_activity
     WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`,
    [`%${marker}%`],
  );
}

describe('PostgreSQL data source specifics', () => {
  let database: TestPgDatabase;
  let source: DataSource;

  const runningWith = (marker: string) => runningOn(database, marker);

  beforeAll(async () => {
    database = await createTestPgDatabase('ds_specifics', await demoSql());
    source = openDataSource(database.url, { logger });
  });
  afterAll(async () => {
    await source?.close();
    await database?.drop();
  });

  it('says it speaks PostgreSQL and makes every kind of value JSON-safe', async () => {
    expect(source.dialect).toBe('postgres');
    await database.query(`CREATE TABLE kinds (
      n NUMERIC(12, 2), huge NUMERIC, big BIGINT, d DATE, ts TIMESTAMP, tz TIMESTAMPTZ,
      j JSON, jb JSONB, raw BYTEA, txt BYTEA, flag BOOLEAN, ints INTEGER[], span INTERVAL,
      f DOUBLE PRECISION, id UUID)`);
    await database.query(`INSERT INTO kinds VALUES
      (12.50, 123456789012345678901234567890.5, 9007199254740993, '2025-03-01',
       '2025-03-01 08:30:00', '2025-03-01 08:30:00+00', '{"a": [1, 2]}', '{"b": null}',
       '\\x00ff', convert_to('研发', 'UTF8'), true, '{1,2,3}', '1 day 2 hours', 'NaN',
       '6f1c2a3e-0000-4000-8000-000000000001'),
      (NULL, 'NaN', 42, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1.5, NULL)`);
    const kinds = await source.execute('SELECT * FROM kinds ORDER BY big DESC', LIMITS);
    expect(kinds.rows).toEqual([
      {
        n: 12.5,
        huge: '123456789012345678901234567890.5',
        big: '9007199254740993',
        d: '2025-03-01',
        ts: '2025-03-01 08:30:00',
        tz: expect.stringMatching(/^2025-03-01 \d\d:30:00[+-]\d\d/),
        j: '{"a": [1, 2]}',
        jb: '{"b": null}',
        raw: '0x00ff',
        txt: '研发',
        flag: true,
        ints: '[1,2,3]',
        span: '1 day 02:00:00',
        f: 'NaN',
        id: '6f1c2a3e-0000-4000-8000-000000000001',
      },
      {
        n: null, huge: 'NaN', big: 42, d: null, ts: null, tz: null, j: null, jb: null,
        raw: null, txt: null, flag: null, ints: null, span: null, f: 1.5, id: null,
      },
    ]); // biome-ignore format: one row per line
    expect(JSON.parse(JSON.stringify(kinds.rows))).toEqual(kinds.rows);
    // AVG's numeric comes with trailing zeros (2.5000000000000000): still a number; a digit more
    // than a double holds keeps the exact text.
    const average = await source.execute(
      'SELECT AVG(v) AS a, SUM(v) / 3.0 AS third FROM (VALUES (2), (3)) AS t (v)',
      LIMITS,
    );
    expect(average.rows).toEqual([{ a: 2.5, third: '1.6666666666666667' }]);
  });

  it('describes comments, views and foreign keys, with short type names', async () => {
    await database.query(`COMMENT ON TABLE employees IS '员工花名册'`);
    await database.query(`COMMENT ON COLUMN employees.salary IS '月薪（元）'`);
    await database.query('CREATE VIEW active_staff AS SELECT id, name FROM employees');
    const tables = await source.describe();
    const employees = tables.find((table) => table.name === 'employees');
    expect(employees?.comment).toBe('员工花名册');
    expect(employees?.columns.find((column) => column.name === 'salary')).toEqual({
      name: 'salary',
      type: 'numeric(12,2)',
      nullable: false,
      primaryKey: false,
      comment: '月薪（元）',
    });
    expect(employees?.columns.find((column) => column.name === 'hire_date')?.type).toBe('date');
    expect(employees?.foreignKeys).toEqual([
      { column: 'department_id', referencedTable: 'departments', referencedColumn: 'id' },
    ]);
    expect(tables.find((table) => table.name === 'active_staff')?.columns).toHaveLength(2);
    // Catalog tables never show up as the company's data.
    expect(tables.some((table) => table.name.startsWith('pg_'))).toBe(false);
  });

  it('answers from the schema the URL names, and describes only that schema', async () => {
    await database.query('CREATE SCHEMA finance');
    await database.query(`CREATE TABLE finance.ledgers (
      id INTEGER PRIMARY KEY, employee_id INTEGER, amount NUMERIC(10, 2))`);
    await database.query(`CREATE TABLE finance.entries (
      id INTEGER PRIMARY KEY, ledger_id INTEGER REFERENCES finance.ledgers (id))`);
    await database.query('INSERT INTO finance.ledgers VALUES (1, 5, 10.25), (2, 6, 3)');
    const finance = openDataSource(`${database.url}?schema=finance`, { logger });
    try {
      const tables = await finance.describe();
      expect(tables.map((table) => table.name)).toEqual(['entries', 'ledgers']);
      expect(tables[0]?.foreignKeys).toEqual([
        { column: 'ledger_id', referencedTable: 'ledgers', referencedColumn: 'id' },
      ]);
      const sum = await finance.execute('SELECT SUM(amount) AS total FROM ledgers', LIMITS);
      expect(sum.rows).toEqual([{ total: 13.25 }]);
      const verdict = await finance.inspect?.(
        'SELECT * FROM ledgers JOIN public.employees e ON true',
      );
      expect(verdict?.foreignRelations).toEqual(['public.employees']);
    } finally {
      await finance.close();
    }
  });

  it('judges statements from their plan: writes, locks and reads outside the schema', async () => {
    const inspect = (sql: string) => {
      if (!source.inspect) throw new Error('PostgreSQL gives an engine verdict');
      return source.inspect(sql);
    };
    expect(await inspect('SELECT name FROM employees WHERE id = 1')).toEqual({
      sql: 'SELECT name FROM employees WHERE id = 1',
      readOnly: true,
      foreignRelations: [],
    });
    for (const sql of [
      'WITH gone AS (DELETE FROM expenses RETURNING id) SELECT COUNT(*) FROM gone',
      'UPDATE employees SET salary = 0',
      'SELECT * FROM employees FOR UPDATE',
      'SELECT * FROM employees e WHERE e.id IN (SELECT id FROM departments FOR SHARE)',
    ]) {
      expect((await inspect(sql)).readOnly, sql).toBe(false);
    }
    expect((await inspect('SELECT usename FROM pg_user')).foreignRelations).toEqual([
      'pg_catalog.pg_authid',
    ]);
    expect(
      (await inspect('SELECT table_name FROM information_schema.tables')).foreignRelations,
    ).toEqual(expect.arrayContaining(['pg_catalog.pg_class', 'pg_catalog.pg_namespace']));
    // Catalog views built on functions plan as a function scan, not a relation.
    expect((await inspect('SELECT name, setting FROM pg_settings')).foreignRelations).toEqual([
      'pg_catalog.pg_show_all_settings()',
    ]);
    expect(
      (await inspect('SELECT g, u FROM generate_series(1, 3) g, unnest(ARRAY[1, 2]) u'))
        .foreignRelations,
    ).toEqual([]);
    const error = await failure(inspect('SELECT nope FROM employees'));
    expect(error.code).toBe('DRY_RUN_FAILED');
    expect(error.message).toMatch(/nope/);
    const [{ n }] = await database.query<{ n: string }>('SELECT COUNT(*) AS n FROM expenses');
    expect(n).toBe('800');
  });

  it('reads strings the way the guard does whatever the database default', async () => {
    await database.query(`ALTER DATABASE "${database.name}" SET standard_conforming_strings = off`);
    const fresh = openDataSource(database.url, { logger });
    try {
      const result = await fresh.execute("SELECT 'a\\' AS s, E'b\\'c' AS e", LIMITS);
      expect(result.rows).toEqual([{ s: 'a\\', e: "b'c" }]);
    } finally {
      await fresh.close();
      await database.query(`ALTER DATABASE "${database.name}" RESET standard_conforming_strings`);
    }
  });

  it('undoes whatever a statement did to its session', async () => {
    // The guard refuses these; should one slip through, it must not outlive its call.
    await source.execute('SET statement_timeout = 0', LIMITS);
    await source.execute('SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', LIMITS);
    await source.execute("SET search_path = 'pg_catalog'", LIMITS);
    for (let i = 0; i < 6; i++) {
      const error = await failure(source.execute('DELETE FROM expenses', LIMITS));
      expect(error.message).toMatch(/read-only transaction/);
      const slow = await failure(
        source.execute('SELECT pg_sleep(5)', { ...LIMITS, timeoutMs: 200 }),
      );
      expect(slow.message).toMatch(/time limit/);
      expect((await source.execute('SELECT COUNT(*) AS n FROM projects', LIMITS)).rows).toEqual([
        { n: 16 },
      ]);
    }
    const [{ n }] = await database.query<{ n: string }>('SELECT COUNT(*) AS n FROM expenses');
    expect(n).toBe('800');
  });

  it('reconnects after its connections are terminated', async () => {
    await source.execute('SELECT 1', LIMITS);
    await database.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = $1 AND application_name = 'quarry'`,
      [database.name],
    );
    const count = await source.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
    expect(count.rows).toEqual([{ n: 16 }]);
  });

  it('keeps to pool_size connections however many queries wait', async () => {
    const marker = `pooled_${randomBytes(4).toString('hex')}`;
    // One of the three is kept for cancelling: two queries run at once.
    const small = openDataSource(`${database.url}?pool_size=3&pool_idle_ms=1000`, { logger });
    try {
      const queries = Array.from({ length: 5 }, () =>
        small.execute(`SELECT pg_sleep(0.2) AS ${marker}`, LIMITS),
      );
      let settled = false;
      const all = Promise.all(queries).finally(() => {
        settled = true;
      });
      // However often it is sampled while five queries wait, at most two ever run.
      const seen = new Set<number>();
      while (!settled) {
        const running = await runningWith(marker);
        seen.add(running.length);
        await new Promise((done) => setTimeout(done, 20));
      }
      expect(Math.max(...seen)).toBe(2);
      const results = await all;
      expect(results.map((result) => result.rows.length)).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await small.close();
    }
  });

  it('holds pool_size connections in all, the one that cancels included', async () => {
    const marker = `budget_${randomBytes(4).toString('hex')}`;
    const small = openDataSource(`${database.url}?pool_size=3`, { logger });
    const connections = async () => {
      const [row] = await database.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'quarry'",
        [database.name],
      );
      return Number(row?.n);
    };
    try {
      const unreachable = () => expect.unreachable('the query should have been stopped');
      const calls = Array.from({ length: 24 }, (_, i) => {
        const sleep = `SELECT pg_sleep(5) AS ${marker}`;
        if (i % 3 === 0) {
          return small.execute(sleep, { ...LIMITS, timeoutMs: 300 }).then(unreachable, (error) => {
            expect(String(error.message)).toMatch(/time limit/);
          });
        }
        if (i % 3 === 1) {
          return small
            .execute(sleep, { ...LIMITS, signal: AbortSignal.timeout(200) })
            .then(unreachable, (error) => expect(error.code).toBe('STOPPED'));
        }
        return small
          .execute(`SELECT t.id AS ${marker} FROM timesheets t CROSS JOIN timesheets u`, {
            ...LIMITS,
            rowLimit: 5,
          })
          .then((result) => expect(result.capped).toBe(true));
      });
      let settled = false;
      const finish = () => {
        settled = true;
      };
      const all = Promise.all(calls);
      all.then(finish, finish);
      let most = 0;
      while (!settled) {
        most = Math.max(most, await connections());
        await new Promise((done) => setTimeout(done, 20));
      }
      await all;
      expect(most).toBeLessThanOrEqual(3);
      expect(await goneWithin(runningWith, marker)).toEqual([]);
      expect(await connections()).toBeLessThanOrEqual(3);
    } finally {
      await small.close();
    }
  });

  it('refuses malformed URLs with a clear message and no password', () => {
    const cases: [string, RegExp][] = [
      [`${POSTGRES_ROOT_URL}`, /names no database/],
      [`${POSTGRES_ROOT_URL}/db?sslmode=sometimes`, /sslmode=sometimes/],
      [`${POSTGRES_ROOT_URL}/db?pool_size=0`, /pool_size=0/],
      [`${POSTGRES_ROOT_URL}/db?pool_idle_ms=soon`, /pool_idle_ms=soon/],
    ];
    for (const [url, message] of cases) {
      expect(() => openDataSource(url, { logger }), url).toThrow(message);
    }
    expect(() => openDataSource('postgres://u:Secr3tPw@/db', { logger })).toThrow(/names no host/);
    try {
      openDataSource('postgres://u:Secr3tPw@/db', { logger });
    } catch (error) {
      expect(String(error)).not.toContain('Secr3tPw');
    }
  });

  it('works as the read-only user the README GRANT creates, which cannot write either', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## PostgreSQL data sources'));
    const grant = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
    expect(grant).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA sales TO quarry_reader');
    const role = `qt_reader_${randomBytes(4).toString('hex')}`;
    await database.query('CREATE SCHEMA sales');
    await database.query('CREATE TABLE sales.orders (id INTEGER PRIMARY KEY, total NUMERIC(8, 2))');
    await database.query('INSERT INTO sales.orders VALUES (1, 9.5), (2, 20)');
    await database.query(
      (grant as string)
        .replaceAll('quarry_reader', role)
        .replaceAll('warehouse', `"${database.name}"`)
        .replaceAll('etl_owner', 'postgres'),
    );
    await database.query(
      'CREATE TABLE sales.refunds (id INTEGER, order_id INTEGER REFERENCES sales.orders (id))',
    );
    const reader = openDataSource(
      `postgres://${role}:change-me@127.0.0.1:5432/${database.name}?schema=sales`,
      { logger },
    );
    try {
      const tables = await reader.describe();
      expect(tables.map((table) => table.name)).toEqual(['orders', 'refunds']);
      expect(tables[1]?.foreignKeys).toEqual([
        { column: 'order_id', referencedTable: 'orders', referencedColumn: 'id' },
      ]);
      const sum = await reader.execute('SELECT SUM(total) AS total FROM orders, refunds', LIMITS);
      expect(sum.rows).toEqual([{ total: null }]);
      const denied = await failure(reader.execute('SELECT COUNT(*) FROM public.employees', LIMITS));
      expect(denied.message).toMatch(/permission denied/);
    } finally {
      await reader.close();
    }
    // Outside Quarry's read-only transactions too, the user can change nothing.
    const direct = new pg.Client({
      connectionString: `postgres://${role}@127.0.0.1:5432/${database.name}`,
    });
    await direct.connect();
    try {
      for (const sql of [
        'DELETE FROM sales.orders',
        'BEGIN READ WRITE; DELETE FROM sales.orders',
        'CREATE TABLE public.intruder (id INTEGER)',
      ]) {
        await expect(direct.query(sql), sql).rejects.toThrow(/read-only|permission denied/);
        await direct.query('ROLLBACK');
      }
    } finally {
      await direct.end();
      await database.query(`DROP OWNED BY ${role}`);
      await database.query(`DROP ROLE ${role}`);
    }
    const [{ n }] = await database.query<{ n: string }>('SELECT COUNT(*) AS n FROM sales.orders');
    expect(n).toBe('2');
  });
});
