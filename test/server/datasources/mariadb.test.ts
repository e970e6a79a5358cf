import { randomBytes } from 'node:crypto';
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
import { describeServerDataSourceBehaviour, goneWithin } from './serverBehaviour.js';

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

describeServerDataSourceBehaviour('MariaDB', async () => {
  const database = await createTestDatabase('ds_server', await demoSql());
  const admin = await mysql.createConnection({ uri: MARIADB_ROOT_URL });
  const runningWith = (marker: string) => runningOn(admin, marker);
  return {
    url: database.url,
    database: database.name,
    unreachableUrl: (port, password) => `mysql://root:${password}@127.0.0.1:${port}/warehouse`,
    missingDatabaseUrl: `${MARIADB_ROOT_URL}/qt_no_such_database_here`,
    sleepSql: (seconds, alias) => `SELECT SLEEP(${seconds}) AS ${alias}`,
    runningWith,
    async dropConnection(marker) {
      const [thread] = (await runningWith(marker)) as { ID: number }[];
      await admin.query(`KILL CONNECTION ${Number(thread?.ID)}`);
    },
    async cleanup() {
      await admin.end();
      await database.drop();
    },
  };
});

/** Server threads whose running statement contains `marker`, as `admin` sees them. */
async function runningOn(admin: mysql.Connection, marker: string): Promise<unknown[]> {
  const [rows] = await admin.query(
    'SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()',
    [`%${marker}%`],
  );
  return rows as unknown[];
}

describe('MariaDB data source specifics', () => {
  let database: TestDatabase;
  let source: DataSource;
  let admin: mysql.Connection;

  const runningWith = (marker: string) => runningOn(admin, marker);

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
      expect(await goneWithin(runningWith, marker)).toEqual([]);
      const count = await single.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
      expect(count.rows).toEqual([{ n: 16 }]);
    } finally {
      await single.close();
    }
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

  it('reports a wrong password as unavailable without it', async () => {
    const wrong = openDataSource(`mysql://root:wr0ngPass@127.0.0.1:3306/${database.name}`, {
      logger,
    });
    try {
      const denied = await failure(wrong.execute('SELECT 1', LIMITS));
      expect(denied.code).toBe('DATASOURCE_UNAVAILABLE');
      expect(denied.message).toMatch(/Access denied/);
      expect(denied.message).not.toContain('wr0ngPass');
    } finally {
      await wrong.close();
    }
  });

  it('dry-runs and runs the catalogue statements the guard allows', async () => {
    for (const sql of ['SHOW TABLES', 'DESCRIBE employees', 'EXPLAIN SELECT * FROM employees']) {
      await source.dryRun(sql);
      const result = await source.execute(sql, LIMITS);
      expect(result.rows.length, sql).toBeGreaterThan(0);
    }
  });
});
