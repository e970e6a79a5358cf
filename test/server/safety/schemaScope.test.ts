import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb.js';
import { outcomeEvent } from '../../support/quarry.js';
import { askEvents, type LoggedQuarry, sqlReply, startLoggedQuarry } from './support.js';

describe('asks read only the configured MySQL database', () => {
  let database: TestDatabase;
  let other: TestDatabase;
  let quarry: LoggedQuarry;

  beforeAll(async () => {
    database = await createTestDatabase('scope', await demoSql());
    other = await createTestDatabase(
      'scope_other',
      "CREATE TABLE payroll (name VARCHAR(40), salary INT); INSERT INTO payroll VALUES ('x', 1)",
    );
    // The account can read everything on the server: only Quarry's own rule stands in the way.
    quarry = await startLoggedQuarry({ DATABASE_URL: database.url, SQL_REWRITE_MAX_ATTEMPTS: '0' });
  });
  afterAll(async () => {
    await quarry?.close();
    await database?.drop();
    await other?.drop();
  });

  async function ask(sql: string) {
    quarry.fake.enqueue(sqlReply(sql));
    return outcomeEvent(await askEvents(quarry.wsUrl, '看看这些数据')) as Record<string, unknown>;
  }

  it('refuses mysql.user, another database and the server-wide information_schema', async () => {
    for (const sql of [
      'SELECT User, Password FROM mysql.user',
      `SELECT * FROM ${other.name}.payroll`,
      `SELECT e.name FROM employees e JOIN \`${other.name}\`.payroll p ON p.name = e.name`,
      'SELECT ID, INFO FROM information_schema.PROCESSLIST',
      'SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES',
      `SHOW TABLES FROM ${other.name}`,
    ]) {
      const closing = await ask(sql);
      expect(closing, sql).toMatchObject({ type: 'error', code: 'UNSAFE_SQL' });
      // Worded for the asker in the question's language (Chinese here), naming the database.
      expect(String(closing.message), sql).toMatch(
        new RegExp(
          `不在回答问题所用的数据库 ${database.name} 中|没有限定在数据库 ${database.name} 内`,
        ),
      );
    }
  });

  it('runs queries on the configured database, qualified with its name or not', async () => {
    expect(await ask(`SELECT COUNT(*) AS n FROM ${database.name}.departments`)).toMatchObject({
      type: 'result',
      rows: [{ n: 14 }],
    });
    expect(
      await ask(`SELECT COUNT(*) AS n FROM \`${database.name}\`.\`departments\` d`),
    ).toMatchObject({
      type: 'result',
      rows: [{ n: 14 }],
    });
    const tables = await ask(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'departments'",
    );
    expect(tables).toMatchObject({ type: 'result', rows: [{ name: 'departments' }] });
  });
});
