import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import {
  createSqliteRunner,
  type SqliteRunner,
} from '../../../server/src/datasources/sqliteProcess.js';
import { ensureDemoDatabase } from '../../../server/src/demo/build.js';
import { createLogger } from '../../../server/src/logger.js';
import type { DataSource } from '../../../server/src/ports.js';
import { describeDataSourceBehaviour, failure } from './behaviour.js';

const logger = createLogger('silent');
// Counts forever: a single sqlite3_step that never returns on its own.
const RUNAWAY_SQL =
  'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) AS c FROM n';
const LIMITS = { rowLimit: 100, timeoutMs: 10_000 };

async function demoCopy() {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-sqlite-'));
  const url = await ensureDemoDatabase(join(dir, 'demo.sqlite'));
  return { dir, url };
}

describeDataSourceBehaviour('SQLite', async () => {
  const { dir, url } = await demoCopy();
  return {
    open: async () => openDataSource(url, { logger }),
    slowSql: RUNAWAY_SQL,
    readOnlyMessage: /SQLite reports that this statement is not a read-only query/,
    refusedWriteCode: 'UNSAFE_SQL',
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

/** Pids of this process's SQLite worker children. */
function workerPids(): Set<number> {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  return new Set(
    out
      .split('\n')
      .filter((line) => line.includes('sqliteWorker.mjs'))
      .map((line) => Number.parseInt(line.trim(), 10)),
  );
}

describe('SQLite data source specifics', () => {
  let dir: string;
  let url: string;
  let source: DataSource;

  beforeAll(async () => {
    ({ dir, url } = await demoCopy());
    source = openDataSource(url, { logger });
  });
  afterAll(async () => {
    await source?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says it speaks SQLite', () => {
    expect(source.dialect).toBe('sqlite');
  });

  it('kills the process running a runaway query', async () => {
    await source.execute('SELECT 1 AS one', LIMITS);
    const before = workerPids();
    expect(before.size).toBeGreaterThan(0);
    await failure(source.execute(RUNAWAY_SQL, { ...LIMITS, timeoutMs: 300 }));
    await new Promise((done) => setTimeout(done, 200));
    const after = workerPids();
    expect([...before].filter((pid) => !after.has(pid))).toHaveLength(1);
    expect((await source.execute('SELECT 2 AS two', LIMITS)).rows).toEqual([{ two: 2 }]);
  });

  it('times out only the runaway query when others wait behind it', async () => {
    const runaway = failure(source.execute(RUNAWAY_SQL, { ...LIMITS, timeoutMs: 400 }));
    const waiting = source.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
    const queuedTooLong = failure(
      source.execute('SELECT COUNT(*) AS n FROM projects', { ...LIMITS, timeoutMs: 100 }),
    );
    expect((await runaway).code).toBe('SQL_EXECUTION_FAILED');
    expect((await queuedTooLong).message).toMatch(/exceeded the 0.1 seconds time limit/);
    expect((await waiting).rows).toEqual([{ n: 16 }]);
  });

  it('refuses a missing file at once, and reports one removed later as unavailable, naming the path', async () => {
    const missing = join(dir, 'missing.sqlite');
    expect(() => openDataSource(`sqlite:${missing}`, { logger })).toThrowError(
      expect.objectContaining({
        code: 'INVALID_DATASOURCE_URL',
        message: `The data source URL names ${missing}, which does not exist.`,
      }),
    );
    const doomed = join(dir, 'doomed.sqlite');
    await copyFile(join(dir, 'demo.sqlite'), doomed);
    const absent = openDataSource(`sqlite:${doomed}`, { logger });
    await rm(doomed);
    try {
      const error = await failure(absent.execute('SELECT 1', LIMITS));
      expect(error.code).toBe('DATASOURCE_UNAVAILABLE');
      expect(error.message).toContain(doomed);
      expect((await failure(absent.describe())).code).toBe('DATASOURCE_UNAVAILABLE');
    } finally {
      await absent.close();
    }
  });

  it('refuses temporary tables and attached files too', async () => {
    const temp = await failure(source.execute('CREATE TEMP TABLE t (x INTEGER)', LIMITS));
    expect(temp.code).toBe('UNSAFE_SQL');
    const attached = join(dir, 'attached.sqlite');
    const attach = await failure(source.execute(`ATTACH DATABASE '${attached}' AS other`, LIMITS));
    expect(attach.code).toBe('UNSAFE_SQL');
    expect(existsSync(attached)).toBe(false);
    expect(workerPids().size).toBeGreaterThan(0);
  });
});

describe('openDataSource URLs', () => {
  it('resolves relative sqlite paths against the working directory', async () => {
    const { dir } = await demoCopy();
    const relative = join(dir, 'demo.sqlite').replace(`${process.cwd()}/`, '');
    const source = openDataSource(`sqlite:${relative}`, { logger });
    try {
      expect(resolve(relative)).toBe(join(dir, 'demo.sqlite'));
      const result = await source.execute('SELECT COUNT(*) AS n FROM departments', LIMITS);
      expect(result.rows).toEqual([{ n: 14 }]);
    } finally {
      await source.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown schemes and mysql URLs without a database, hiding passwords', () => {
    for (const url of ['mssql://u:topsecret@h/db', 'mysql://u:topsecret@h:3306', 'sqlite:']) {
      let error: unknown;
      try {
        openDataSource(url, { logger });
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'INVALID_DATASOURCE_URL' });
      expect((error as Error).message).not.toContain('topsecret');
    }
  });
});

describe('SQLite statements compiled once', () => {
  let dir: string;
  let path: string;
  let runner: SqliteRunner;
  const request = (mode: 'prepare' | 'query', sql: string) =>
    runner.run({ mode, sql, rowLimit: 10, timeoutMs: 10_000, phase: 'execute' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-sqlite-compiled-'));
    path = join(dir, 'compiled.sqlite');
    const db = new Database(path);
    db.exec("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x')");
    db.close();
    runner = createSqliteRunner(path, logger);
  });
  afterAll(async () => {
    await runner?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a run right after its dry run steps the statement the dry run compiled', async () => {
    expect((await request('prepare', 'SELECT b FROM t')).compiled).toBe(true);
    const run = await request('query', 'SELECT b FROM t');
    expect(run).toMatchObject({ compiled: false, columns: ['b'], rows: [['x']] });
    expect((await request('query', 'SELECT a FROM t')).compiled).toBe(true);
  });

  it('compiles again once another connection changed the schema, so the dry run sees the change', async () => {
    expect((await request('prepare', 'SELECT b FROM t')).compiled).toBe(false);
    const db = new Database(path);
    db.exec('ALTER TABLE t DROP COLUMN b');
    db.close();
    await expect(request('prepare', 'SELECT b FROM t')).rejects.toThrow(/no such column: b/);
    expect((await request('prepare', 'SELECT a FROM t')).compiled).toBe(true);
  });
});
