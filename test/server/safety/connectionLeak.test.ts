import { readdir, readFile } from 'node:fs/promises';
import { seedMessages } from '@quarry/shared';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { createLogger } from '../../../server/src/logger.js';
import type { RecordedChatRequest } from '../../fakes/openaiServer.js';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../support/mariadbServer.js';
import { connect, query } from '../../support/quarry.js';
import {
  askEvents,
  askText,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from './support.js';

const READER = { name: 'quarry_pool', password: 'Pool-Reader-5b2e81' };
const POOL_SIZE = 3;
const MAX_CONNECTIONS = 12;
/** 20,000² rows: only a killed query ever ends. */
const ENDLESS = 'SELECT r.id, r.note FROM readings r CROSS JOIN readings s';
const SLOW = 'SELECT COUNT(*) AS n FROM readings a CROSS JOIN readings b WHERE a.note <> b.note';

interface Thread {
  Id: number;
  User: string;
  Command: string;
  State: string | null;
  Info: string | null;
}

describe('capped, timed-out, stopped and failed queries on a MariaDB with few connections', () => {
  let db: PrivateMariaDb;

  /** The server threads of Quarry's account. */
  async function readerThreads(): Promise<Thread[]> {
    const threads = (await db.query('SHOW FULL PROCESSLIST')) as Thread[];
    return threads.filter((thread) => thread.User === READER.name);
  }

  /** Samples Quarry's threads until `work` is done; resolves with the most seen at once. */
  async function mostThreadsDuring(work: Promise<unknown>): Promise<number> {
    let finished = false;
    const finish = () => {
      finished = true;
    };
    work.then(finish, finish);
    let most = 0;
    while (!finished) {
      most = Math.max(most, (await readerThreads()).length);
      await new Promise((done) => setTimeout(done, 20));
    }
    await work;
    return most;
  }

  /** Once the calls are over: only idle connections of the pool remain, and others connect. */
  async function expectOnlyIdleConnections(): Promise<void> {
    // A thread that has just sent its last packet is marked idle a moment later, and a stop
    // that follows a client leaving runs after it left; a leaked thread (running, killed,
    // writing to the network) stays.
    const busy = async () => (await readerThreads()).filter((thread) => thread.Command !== 'Sleep');
    await expect.poll(busy, { timeout: 10_000 }).toEqual([]);
    expect((await readerThreads()).length).toBeLessThanOrEqual(POOL_SIZE);
    const other = await mysql.createConnection({
      host: '127.0.0.1',
      port: db.port,
      user: READER.name,
      password: READER.password,
      database: 'plant',
    });
    const [rows] = await other.query('SELECT COUNT(*) AS n FROM readings');
    expect(rows).toEqual([{ n: 20_000 }]);
    await other.end();
  }

  beforeAll(async () => {
    db = await startPrivateMariaDb();
    await db.query(`SET GLOBAL max_connections = ${MAX_CONNECTIONS}`);
    await db.query('CREATE DATABASE plant CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await db.query(
      `CREATE TABLE readings (id INT PRIMARY KEY, note VARCHAR(200)) COMMENT 'meter readings';
       INSERT INTO readings SELECT seq, CONCAT('reading ', seq, ' ', REPEAT('x', 150)) FROM seq_1_to_20000`,
      'plant',
    );
    for (const host of ['localhost', '127.0.0.1', '%']) {
      await db.query(
        `CREATE USER '${READER.name}'@'${host}' IDENTIFIED BY '${READER.password}';
         GRANT SELECT ON plant.* TO '${READER.name}'@'${host}'`,
      );
    }
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('keeps a data source within pool_size and leaves no statement running', async () => {
    const url = `${db.url('plant', READER)}?pool_size=${POOL_SIZE}&pool_idle_ms=60000`;
    const source = openDataSource(url, { logger: createLogger('silent') });
    try {
      const limits = { rowLimit: 10, timeoutMs: 20_000 };
      const calls = Array.from({ length: 40 }, (_, i) => {
        switch (i % 4) {
          case 0:
            return source.execute(ENDLESS, limits).then((result) => {
              expect(result).toMatchObject({ capped: true });
              expect(result.rows).toHaveLength(10);
            });
          case 1:
            return source.execute(SLOW, { ...limits, timeoutMs: 300 }).then(
              () => expect.unreachable('the slow query should time out'),
              (error: Error) => expect(error.message).toMatch(/time limit/),
            );
          case 2:
            // A query that sends no row for seconds: only the abort ends it.
            return source.execute(SLOW, { ...limits, signal: AbortSignal.timeout(200) }).then(
              () => expect.unreachable('the aborted query should stop'),
              (error: { code?: string }) => expect(error.code).toBe('STOPPED'),
            );
          default:
            return source.execute('SELECT no_such_column FROM readings', limits).then(
              () => expect.unreachable('the query should fail'),
              (error: { code?: string }) => expect(error.code).toBe('SQL_EXECUTION_FAILED'),
            );
        }
      });
      expect(await mostThreadsDuring(Promise.all(calls))).toBeLessThanOrEqual(POOL_SIZE);
      await expectOnlyIdleConnections();
    } finally {
      await source.close();
    }
    expect(await readerThreads()).toEqual([]);
  });

  it('ends calls at their time limit while the server is frozen, and works once it thaws', async () => {
    const [{ path }] = (await db.query('SELECT @@pid_file AS path')) as [{ path: string }];
    const pid = Number((await readFile(path, 'utf8')).trim());
    const source = openDataSource(db.url('plant', READER), { logger: createLogger('silent') });
    try {
      const limits = { rowLimit: 10, timeoutMs: 500 };
      expect((await source.execute('SELECT COUNT(*) AS n FROM readings', limits)).rows).toEqual([
        { n: 20_000 },
      ]);
      process.kill(pid, 'SIGSTOP');
      try {
        // The signal takes effect asynchronously: wait until every thread is stopped.
        const states = async () => {
          const tasks = await readdir(`/proc/${pid}/task`);
          const stats = await Promise.all(
            tasks.map((task) => readFile(`/proc/${pid}/task/${task}/stat`, 'utf8')),
          );
          return stats.map((stat) =>
            stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
          );
        };
        await expect.poll(async () => (await states()).every((state) => state === 'T')).toBe(true);
        // A pooled connection (its setup never answered) and a new one (never greeted) alike.
        const calls = [
          source.execute('SELECT COUNT(*) AS n FROM readings', limits),
          source.execute(ENDLESS, limits),
        ];
        await Promise.all(
          calls.map((call) => expect(call).rejects.toThrow(/exceeded the 0.5 seconds time limit/)),
        );
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const thawed = await source.execute('SELECT COUNT(*) AS n FROM readings', {
        ...limits,
        timeoutMs: 10_000,
      });
      expect(thawed.rows).toEqual([{ n: 20_000 }]);
    } finally {
      await source.close();
    }
  });

  describe('through Quarry', () => {
    let quarry: LoggedQuarry;
    beforeAll(async () => {
      quarry = await startLoggedQuarry({
        DATABASE_URL: `${db.url('plant', READER)}?pool_size=${POOL_SIZE}`,
        QUERY_ROW_LIMIT: '5',
        SQL_REWRITE_MAX_ATTEMPTS: '0',
      });
      quarry.fake.onChat((request: RecordedChatRequest) => {
        const prompt = request.messages.map((m) => m.content).join('\n');
        if (prompt.includes('all readings #')) return sqlReply(ENDLESS);
        if (prompt.includes('slow readings #')) return sqlReply(SLOW);
        return sqlReply('SELECT no_such_column FROM readings');
      });
    });
    afterAll(async () => {
      await quarry?.close();
    });

    it('answers 50 asks beyond the row cap, then holds only idle connections', async () => {
      let next = 0;
      const client = async () => {
        for (let i = next++; i < 50; i = next++) {
          const question = `all readings #${i}`;
          if (i % 2 === 0) {
            const texts = await askText(quarry.wsUrl, question);
            expect(JSON.parse(texts.at(-1) ?? '{}')).toMatchObject({
              status: 'success',
              capped: true,
            });
          } else {
            const events = await askEvents(quarry.wsUrl, question);
            expect(outcomeEvent(events)).toMatchObject({
              type: 'result',
              row_count: 5,
              capped: true,
            });
          }
        }
      };
      const asks = Promise.all(Array.from({ length: 8 }, client));
      expect(await mostThreadsDuring(asks)).toBeLessThanOrEqual(POOL_SIZE);
      await expectOnlyIdleConnections();
      const root = await mysql.createConnection({ host: '127.0.0.1', port: db.port, user: 'root' });
      await root.end();
    }, 120_000);

    it('ends the queries of clients that leave mid-query and of failed asks', async () => {
      const leave = async (question: string) => {
        const ws = await connect(quarry.wsUrl);
        const executing = new Promise<void>((done) => {
          ws.on('message', (data) => {
            if (data.toString() === seedMessages.executing) done();
          });
        });
        ws.send(query(question));
        await executing;
        ws.terminate();
      };
      const failed = async (question: string) => {
        const texts = await askText(quarry.wsUrl, question);
        expect(JSON.parse(texts.at(-1) ?? '{}')).toMatchObject({ status: 'error' });
      };
      const asks = Promise.all([
        ...Array.from({ length: 6 }, (_, i) => leave(`slow readings #${i}`)),
        ...Array.from({ length: 6 }, (_, i) => failed(`broken readings #${i}`)),
      ]);
      expect(await mostThreadsDuring(asks)).toBeLessThanOrEqual(POOL_SIZE);
      await expectOnlyIdleConnections();
    });
  });
});
