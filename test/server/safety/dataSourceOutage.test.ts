import { seedMessages } from '@quarry/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../support/mariadbServer.js';
import {
  askEvents,
  askText,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from './support.js';

const READER = { name: 'quarry_reader', password: 'Reader-Pass-7c1e9d' };
const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

describe('the data source goes down and comes back while Quarry runs', () => {
  let db: PrivateMariaDb;
  let quarry: LoggedQuarry;

  beforeAll(async () => {
    db = await startPrivateMariaDb();
    await db.query('CREATE DATABASE demo CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await db.query(await demoSql(), 'demo');
    // One account per host form, so no anonymous account shadows it for local connections.
    for (const host of ['localhost', '127.0.0.1', '%']) {
      await db.query(
        `CREATE USER '${READER.name}'@'${host}' IDENTIFIED BY '${READER.password}';
         GRANT SELECT ON demo.* TO '${READER.name}'@'${host}'`,
      );
    }
    quarry = await startLoggedQuarry({ DATABASE_URL: db.url('demo', READER) });
    quarry.fake.onChat(() => sqlReply(SQL));
  });
  afterAll(async () => {
    await quarry?.close();
    await db?.destroy();
  });

  it('fails the asks in between clearly and answers again once it is back', async () => {
    const before = await askText(quarry.wsUrl, '前三个部门');
    expect(JSON.parse(before.at(-1) ?? '{}')).toMatchObject({ status: 'success', sql: SQL });

    await db.stop();
    const text = await askText(quarry.wsUrl, '前三个部门');
    const where = `the MySQL database 'demo' at 127.0.0.1:${db.port}`;
    const failure = text.at(-2) ?? '';
    expect(failure.startsWith(seedMessages.exception(''))).toBe(true);
    expect(failure).toContain(where);
    const message = failure.slice(seedMessages.exception('').length);
    expect(text.at(-1)).toBe(JSON.stringify({ status: 'error', message }));
    expect(text.slice(0, 2)).toEqual([seedMessages.received, seedMessages.generating]);

    const events = await askEvents(quarry.wsUrl, '前三个部门');
    expect(outcomeEvent(events)).toMatchObject({ type: 'error', code: 'DATASOURCE_UNAVAILABLE' });
    expect(String(outcomeEvent(events)?.message)).toContain(where);
    expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);

    await db.start();
    const after = await askText(quarry.wsUrl, '前三个部门');
    expect(JSON.parse(after.at(-1) ?? '{}')).toMatchObject({
      status: 'success',
      sql: SQL,
      result: [
        { name: expect.any(String) },
        { name: expect.any(String) },
        { name: expect.any(String) },
      ],
    });

    const everything = [...before, ...text, ...after, JSON.stringify(events)].join('\n');
    expect(everything).not.toContain(READER.password);
    expect(quarry.logs.map((line) => line.raw).join('\n')).not.toContain(READER.password);
  });
});
