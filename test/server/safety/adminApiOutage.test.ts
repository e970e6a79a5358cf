import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../support/mariadbServer.js';
import { ADMIN_TOKEN, LEVEL, type LoggedQuarry, startLoggedQuarry } from './support.js';

const READS = [
  '/api/asks',
  '/api/sql-pairs',
  '/api/instructions',
  '/api/datasources',
  '/api/dictionaries/department',
];

describe('the admin API while the app database is down', () => {
  let db: PrivateMariaDb;
  let quarry: LoggedQuarry;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${quarry.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as { error?: { code: string; message: string } },
    };
  };

  beforeAll(async () => {
    db = await startPrivateMariaDb();
    await db.query('CREATE DATABASE app');
    quarry = await startLoggedQuarry({ APP_DATABASE_URL: db.url('app') });
  });
  afterAll(async () => {
    await db?.start();
    await quarry?.close();
    await db?.destroy();
  });

  it('answers 503 APP_DATABASE_UNAVAILABLE, not a bare 500, and serves again once it is back', async () => {
    for (const path of READS) expect((await call('GET', path)).status, path).toBe(200);

    await db.stop();
    for (const [method, path, body] of [
      ...READS.map((path) => ['GET', path, undefined] as const),
      ['POST', '/api/sql-pairs', { question: '多少人', sql: 'SELECT COUNT(*) FROM employees' }],
      ['DELETE', '/api/sql-pairs/1', undefined],
    ] as const) {
      const answer = await call(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(503);
      expect(answer.retryAfter).toBe('5');
      expect(answer.body.error).toEqual({
        code: 'APP_DATABASE_UNAVAILABLE',
        message:
          "Quarry's own database (APP_DATABASE_URL) cannot be reached right now; nothing was changed. Try again once it is back.",
      });
    }
    // An outage is not a bug: warned about, never logged as an error.
    expect(quarry.logs.filter((line) => line.level >= LEVEL.error)).toEqual([]);
    expect(
      quarry.logs.some((line) => line.msg === 'admin API: the app database is unreachable'),
    ).toBe(true);

    await db.start();
    await expect.poll(async () => (await call('GET', '/api/asks')).status).toBe(200);
    for (const path of READS) expect((await call('GET', path)).status, path).toBe(200);
  });
});
