import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { SQL_MODE } from '../../../server/src/datasources/mysqlSession.js';
import { createDataSourceRegistry } from '../../../server/src/datasources/registry.js';
import { demoSql } from '../../../server/src/demo/build.js';
import { createLogger } from '../../../server/src/logger.js';
import type { DataSource } from '../../../server/src/ports.js';
import { createTestDatabase, MARIADB_ROOT_URL, type TestDatabase } from '../../support/mariadb.js';
import { describeDataSourceBehaviour, failure } from './behaviour.js';

const logger = createLogger('silent');
const LIMITS = { rowLimit: 100, timeoutMs: 10_000 };

describeDataSourceBehaviour('MariaDB', async () => {
  const database = await createTestDatabase('ds_behaviour', await demoSql());
  return {
    open: async () => openDataSource(database.url, { logger }),
    slowSql: 'SELECT SLEEP(5) AS slept',
    readOnlyMessage: /READ ONLY transaction/,
    refusedWriteCode: 'SQL_EXECUTION_FAILED',
    cleanup: () => database.drop(),
  };
});

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('MariaDB data source specifics', () => {
  let database: TestDatabase;
  let source: DataSource;
  let admin: mysql.Connection;

  /** Server threads whose running statement contains `marker`. */
  async function runningWith(marker: string): Promise<unknown[]> {
    const [rows] = await admin.query(
      'SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()',
      [`%${marker}%`],
    );
    return rows as unknown[];
  }

  /** Polls until no thread runs `marker`, for at most a second. */
  async function goneWithin(marker: string): Promise<unknown[]> {
    for (let tries = 0; tries < 20; tries++) {
      const left = await runningWith(marker);
      if (left.length === 0) return left;
      await new Promise((done) => setTimeout(done, 50));
    }
    return runningWith(marker);
  }

  beforeAll(async () => {
    database = await createTestDatabase('ds_specifics', await demoSql());
    source = openDataSource(database.url, { logger });
    admin = await mysql.createConnection({ uri: MARIADB_ROOT_URL });
  });
  afterAll(async () => {
    await source?.close();
    await admin?.end();
    await database?.drop();
  });

  it('says it speaks MySQL and makes BIT, DECIMAL and binary values JSON-safe', async () => {
    expect(source.dialect).toBe('mysql');
    await admin.query(
      `CREATE TABLE \`${database.name}\`.flags (bits BIT(8), price DECIMAL(12,2), raw VARBINARY(8))`,
    );
    await admin.query(
      `INSERT INTO \`${database.name}\`.flags VALUES (b'101', 12.50, 'x'), (NULL, NULL, 0x00ff)`,
    );
    const result = await source.execute('SELECT bits, price, raw FROM flags', LIMITS);
    expect(result.rows).toEqual([
      { bits: 5, price: 12.5, raw: 'x' },
      { bits: null, price: null, raw: '0x00ff' },
    ]);
  });

  it('kills a timed-out query on the server', async () => {
    const marker = `slow_${randomBytes(4).toString('hex')}`;
    const started = Date.now();
    const error = await failure(
      source.execute(`SELECT SLEEP(5) AS ${marker}`, { ...LIMITS, timeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.message).toMatch(/exceeded the 0.3 seconds time limit/);
    expect(await goneWithin(marker)).toEqual([]);
  });

  it('kills an aborted query on the server with KILL QUERY', async () => {
    const marker = `aborted_${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const running = failure(
      source.execute(`SELECT SLEEP(5) AS ${marker}`, { ...LIMITS, signal: controller.signal }),
    );
    await new Promise((done) => setTimeout(done, 300));
    expect(await runningWith(marker)).toHaveLength(1);
    controller.abort();
    expect((await running).code).toBe('STOPPED');
    expect(await goneWithin(marker)).toEqual([]);
  });

  it('stops reading at the row cap and leaves no query behind', async () => {
    const marker = `capped_${randomBytes(4).toString('hex')}`;
    const result = await source.execute(
      `SELECT t.id AS ${marker} FROM timesheets t CROSS JOIN timesheets u`,
      { ...LIMITS, rowLimit: 10 },
    );
    expect(result.rows).toHaveLength(10);
    expect(result.capped).toBe(true);
    expect(await goneWithin(marker)).toEqual([]);
  });

  it('with pool_size=1 (no connection to spare for KILL) closes a capped query’s connection', async () => {
    const single = openDataSource(`${database.url}?pool_size=1`, { logger });
    try {
      const marker = `single_${randomBytes(4).toString('hex')}`;
      const result = await single.execute(
        `SELECT t.id AS ${marker} FROM timesheets t CROSS JOIN timesheets u`,
        { ...LIMITS, rowLimit: 10 },
      );
      expect(result).toMatchObject({ capped: true });
      // The reset connection fails the server's next write, which ends the statement.
      expect(await goneWithin(marker)).toEqual([]);
      const count = await single.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
      expect(count.rows).toEqual([{ n: 16 }]);
    } finally {
      await single.close();
    }
  });

  it('fails a call at once when its connection is killed mid-query', async () => {
    const marker = `dropped_${randomBytes(4).toString('hex')}`;
    // Far beyond the test's own time-out: only noticing the lost connection ends this call.
    const running = failure(
      source.execute(`SELECT SLEEP(120) AS ${marker}`, { ...LIMITS, timeoutMs: 120_000 }),
    );
    await expect.poll(() => runningWith(marker)).toHaveLength(1);
    const [thread] = (await runningWith(marker)) as { ID: number }[];
    await admin.query(`KILL CONNECTION ${Number(thread?.ID)}`);
    const error = await running;
    expect(error.code).toBe('DATASOURCE_UNAVAILABLE');
    expect(error.message).toContain(database.name);
    const after = await source.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
    expect(after.rows).toEqual([{ n: 16 }]);
  });

  it('reconnects after its connection is killed', async () => {
    const first = await source.execute('SELECT CONNECTION_ID() AS id', LIMITS);
    const killed = Number(first.rows[0]?.id);
    await admin.query(`KILL ${killed}`);
    const second = await source.execute('SELECT CONNECTION_ID() AS id', LIMITS);
    expect(second.rows[0]?.id).not.toBe(killed);
    const count = await source.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
    expect(count.rows).toEqual([{ n: 16 }]);
  });

  it('keeps a session read-only even after SQL tries to switch it back', async () => {
    // The guard refuses session changes; should one slip through, the next call undoes it.
    await source.execute('SET SESSION TRANSACTION READ WRITE', LIMITS);
    for (let i = 0; i < 6; i++) {
      const error = await failure(source.execute('DELETE FROM expenses', LIMITS));
      expect(error.message).toMatch(/READ ONLY/);
    }
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM \`${database.name}\`.expenses`);
    expect(rows).toEqual([{ n: 800 }]);
  });

  it('states the sql_mode and charset the guard reads SQL under, on every call', async () => {
    const settings = `SELECT @@SESSION.sql_mode AS mode, @@character_set_client AS client,
      @@character_set_connection AS connection, @@character_set_results AS results`;
    const expected = {
      mode: SQL_MODE,
      client: 'utf8mb4',
      connection: 'utf8mb4',
      results: 'utf8mb4',
    };
    expect((await source.execute(settings, LIMITS)).rows).toEqual([expected]);
    // Should SQL change them anyway, the next call states them again.
    await source.execute("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES'", LIMITS);
    for (let i = 0; i < 6; i++) {
      expect((await source.execute(settings, LIMITS)).rows).toEqual([expected]);
    }
  });

  it('runs a function call written with a space before its parenthesis, as mysql2 clients may', async () => {
    // Spider's gold SQL writes `COUNT (*)`; without IGNORE_SPACE MariaDB calls it a syntax error.
    const { rows } = await source.execute('SELECT COUNT (*) AS n FROM expenses', LIMITS);
    expect(rows).toEqual([{ n: 800 }]);
  });

  it('gives dry runs the query time limit (QUERY_TIMEOUT_MS) it was opened with', async () => {
    const registry = createDataSourceRegistry({
      resolveUrl: async () => database.url,
      logger,
      queryTimeoutMs: 300,
    });
    try {
      const quick = await registry.get('warehouse');
      // MariaDB's EXPLAIN materialises a derived table, SLEEP included.
      const error = await failure(
        quick.dryRun('SELECT s FROM (SELECT SLEEP(5) AS s) AS slow WHERE s = 0'),
      );
      expect(error.code).toBe('DRY_RUN_FAILED');
      expect(error.message).toMatch(/exceeded the 0.3 seconds time limit/);
    } finally {
      await registry.closeAll();
    }
  });

  it('accepts the mariadb:// spelling of the same URL', async () => {
    const spelled = openDataSource(`mariadb://root@127.0.0.1:3306/${database.name}`, { logger });
    try {
      const count = await spelled.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
      expect(count.rows).toEqual([{ n: 16 }]);
    } finally {
      await spelled.close();
    }
  });

  it('reports a closed port as unavailable without the password', async () => {
    const port = await closedPort();
    const down = openDataSource(`mysql://root:s3cretPw@127.0.0.1:${port}/warehouse`, { logger });
    try {
      const error = await failure(down.execute('SELECT 1', LIMITS));
      expect(error.code).toBe('DATASOURCE_UNAVAILABLE');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toContain('warehouse');
      expect(error.message).not.toContain('s3cretPw');
      expect(JSON.stringify(error.context)).not.toContain('s3cretPw');
      expect((await failure(down.describe())).code).toBe('DATASOURCE_UNAVAILABLE');
    } finally {
      await down.close();
    }
  });

  it('reports a wrong password and an unknown database as unavailable', async () => {
    const wrong = openDataSource(`mysql://root:wr0ngPass@127.0.0.1:3306/${database.name}`, {
      logger,
    });
    const unknown = openDataSource(`${MARIADB_ROOT_URL}/qt_no_such_database_here`, { logger });
    try {
      const denied = await failure(wrong.execute('SELECT 1', LIMITS));
      expect(denied.code).toBe('DATASOURCE_UNAVAILABLE');
      expect(denied.message).toMatch(/Access denied/);
      expect(denied.message).not.toContain('wr0ngPass');
      const missing = await failure(unknown.execute('SELECT 1', LIMITS));
      expect(missing.code).toBe('DATASOURCE_UNAVAILABLE');
      expect(missing.message).toContain('qt_no_such_database_here');
    } finally {
      await wrong.close();
      await unknown.close();
    }
  });

  it('accepts a trailing semicolon', async () => {
    const result = await source.execute('SELECT COUNT(*) AS n FROM departments;', LIMITS);
    expect(result.rows).toEqual([{ n: 14 }]);
    await source.dryRun('SELECT name FROM departments ;\n');
  });

  it('dry-runs and runs the catalogue statements the guard allows', async () => {
    for (const sql of ['SHOW TABLES', 'DESCRIBE employees', 'EXPLAIN SELECT * FROM employees']) {
      await source.dryRun(sql);
      const result = await source.execute(sql, LIMITS);
      expect(result.rows.length, sql).toBeGreaterThan(0);
    }
  });
});
