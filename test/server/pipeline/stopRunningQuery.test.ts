import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { createTestDatabase, MARIADB_ROOT_URL, type TestDatabase } from '../../support/mariadb.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';

/** A read that would run for hours: 3,000³ combinations of timesheet rows. */
const runaway = (marker: string) =>
  `SELECT SUM(a.hours * b.hours + c.hours) AS ${marker} FROM timesheets a CROSS JOIN timesheets b CROSS JOIN timesheets c`;

describe('stopping an ask while its query runs on MariaDB', () => {
  let database: TestDatabase;
  let quarry: TestQuarry;
  let admin: mysql.Connection;

  const runningWith = async (marker: string) => {
    const [rows] = await admin.query(
      "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND COMMAND <> 'Sleep' AND ID <> CONNECTION_ID()",
      [`%${marker}%`],
    );
    return (rows as unknown[]).length;
  };

  beforeAll(async () => {
    database = await createTestDatabase('stop_query', await demoSql());
    quarry = await startTestQuarry({ DATABASE_URL: database.url, QUERY_TIMEOUT_MS: '60000' });
    admin = await mysql.createConnection({ uri: MARIADB_ROOT_URL });
  });
  afterAll(async () => {
    await quarry?.close();
    await admin?.end();
    await database?.drop();
  });

  it('kills the query on the database server and ends the ask as stopped', async () => {
    const marker = `stop_${randomBytes(4).toString('hex')}`;
    quarry.fake.enqueue(`\`\`\`sql\n${runaway(marker)}\n\`\`\``);
    const started = await fetch(`${quarry.baseUrl}/v1/asks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '一直数下去' }),
    });
    const { query_id } = (await started.json()) as { query_id: string };
    const status = async () =>
      (
        (await (await fetch(`${quarry.baseUrl}/v1/asks/${query_id}/result`)).json()) as {
          status: string;
        }
      ).status;
    await expect.poll(() => runningWith(marker), { timeout: 5000 }).toBe(1);
    expect(await status()).toBe('executing');

    const stop = await fetch(`${quarry.baseUrl}/v1/asks/${query_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'stopped' }),
    });
    expect(await stop.json()).toEqual({ query_id, stopped: true });
    await expect.poll(status, { timeout: 2000 }).toBe('stopped');
    await expect.poll(() => runningWith(marker), { timeout: 2000 }).toBe(0);
  });
});
