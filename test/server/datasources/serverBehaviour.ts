import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { createLogger } from '../../../server/src/logger.js';
import type { DataSource } from '../../../server/src/ports.js';
import { closedPort } from '../../support/tcp.js';
import { failure } from './behaviour.js';

const logger = createLogger('silent');
const LIMITS = { rowLimit: 100, timeoutMs: 10_000 };

/** A data source on a database server (MariaDB, PostgreSQL), watched from an admin session. */
export interface ServerTarget {
  /** A fresh copy of the demo database: its URL and its name. */
  url: string;
  database: string;
  /** A URL with `password` for database `warehouse` on `port`, where nothing listens. */
  unreachableUrl(port: number, password: string): string;
  /** A URL naming `qt_no_such_database_here` on the real server. */
  missingDatabaseUrl: string;
  /** A statement that sleeps `seconds` on the server, its one column named `alias`. */
  sleepSql(seconds: number, alias: string): string;
  /** The server's sessions running a statement that contains `marker`. */
  runningWith(marker: string): Promise<unknown[]>;
  /** Ends the connection running a statement that contains `marker`, as a restart would. */
  dropConnection(marker: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Polls until no session runs `marker`, for at most a second: the sessions left. */
export async function goneWithin(
  runningWith: (marker: string) => Promise<unknown[]>,
  marker: string,
): Promise<unknown[]> {
  for (let tries = 0; tries < 20; tries++) {
    const left = await runningWith(marker);
    if (left.length === 0) return left;
    await new Promise((done) => setTimeout(done, 50));
  }
  return runningWith(marker);
}

/**
 * What a server database adds to the DataSource promise: a query Quarry gives up on stops on
 * the server too, a lost connection fails the call at once, and an unreachable server or an
 * unknown database is reported without the password.
 */
export function describeServerDataSourceBehaviour(
  label: string,
  target: () => Promise<ServerTarget>,
) {
  describe(`${label} data source on its server`, () => {
    let server: ServerTarget;
    let source: DataSource;
    const marked = (name: string) => `${name}_${randomBytes(4).toString('hex')}`;
    const gone = (marker: string) => goneWithin(server.runningWith, marker);

    beforeAll(async () => {
      server = await target();
      source = openDataSource(server.url, { logger });
    });
    afterAll(async () => {
      await source?.close();
      await server?.cleanup();
    });

    it('stops a timed-out query on the server', async () => {
      const marker = marked('slow');
      const error = await failure(
        source.execute(server.sleepSql(5, marker), { ...LIMITS, timeoutMs: 300 }),
      );
      expect(error.message).toMatch(/exceeded the 0.3 seconds time limit/);
      expect(await gone(marker)).toEqual([]);
    });

    it('stops an aborted query on the server', async () => {
      const marker = marked('aborted');
      const controller = new AbortController();
      const running = failure(
        source.execute(server.sleepSql(5, marker), { ...LIMITS, signal: controller.signal }),
      );
      await expect.poll(() => server.runningWith(marker)).toHaveLength(1);
      controller.abort();
      expect((await running).code).toBe('STOPPED');
      expect(await gone(marker)).toEqual([]);
    });

    it('stops reading at the row cap and leaves no query behind', async () => {
      const marker = marked('capped');
      const result = await source.execute(
        `SELECT t.id AS ${marker} FROM timesheets t CROSS JOIN timesheets u`,
        { ...LIMITS, rowLimit: 10 },
      );
      expect(result.rows).toHaveLength(10);
      expect(result.capped).toBe(true);
      expect(await gone(marker)).toEqual([]);
    });

    it('fails a call at once when its connection drops mid-query, then keeps working', async () => {
      const marker = marked('dropped');
      // Far beyond the test's own time-out: only noticing the lost connection ends this call.
      const running = failure(
        source.execute(server.sleepSql(120, marker), { ...LIMITS, timeoutMs: 120_000 }),
      );
      await expect.poll(() => server.runningWith(marker)).toHaveLength(1);
      await server.dropConnection(marker);
      const error = await running;
      expect(error.code).toBe('DATASOURCE_UNAVAILABLE');
      expect(error.message).toContain(server.database);
      const after = await source.execute('SELECT COUNT(*) AS n FROM projects', LIMITS);
      expect(after.rows).toEqual([{ n: 16 }]);
    });

    it('accepts a trailing semicolon', async () => {
      const result = await source.execute('SELECT COUNT(*) AS n FROM departments;', LIMITS);
      expect(result.rows).toEqual([{ n: 14 }]);
      await source.dryRun('SELECT name FROM departments ;\n');
    });

    it('reports a closed port as unavailable without the password', async () => {
      const port = await closedPort();
      const down = openDataSource(server.unreachableUrl(port, 's3cretPw'), { logger });
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

    it('reports an unknown database as unavailable, naming it', async () => {
      const unknown = openDataSource(server.missingDatabaseUrl, { logger });
      try {
        for (const call of [() => unknown.execute('SELECT 1', LIMITS), () => unknown.describe()]) {
          const missing = await failure(call());
          expect(missing.code).toBe('DATASOURCE_UNAVAILABLE');
          expect(missing.message).toContain('qt_no_such_database_here');
        }
      } finally {
        await unknown.close();
      }
    });
  });
}
