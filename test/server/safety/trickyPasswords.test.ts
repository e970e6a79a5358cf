import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, MARIADB_ROOT_URL, type TestDatabase } from '../../support/mariadb.js';
import { TRICKY_PASSWORDS } from '../../support/trickyPasswords.js';
import {
  ADMIN_TOKEN,
  askEvents,
  askText,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from './support.js';

const SQL = 'SELECT name FROM departments ORDER BY id';

/** Pieces of a password that would show a half-masked URL (the part after an `@`, say). */
function fragments(password: string): string[] {
  return password.split(/[@:/#%?&= ]+/).filter((piece) => piece.length >= 5);
}

describe('passwords holding URL delimiters never leave the server', () => {
  let db: TestDatabase;
  let quarry: LoggedQuarry;
  const users: string[] = [];
  const tag = randomBytes(3).toString('hex');
  /** Everything a client received: frames, response bodies and headers. */
  const seen: string[] = [];

  const admin = () => mysql.createConnection({ uri: MARIADB_ROOT_URL });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${quarry.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    seen.push(JSON.stringify([...response.headers]), text);
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    db = await createTestDatabase(
      'tricky_pw',
      `CREATE TABLE departments (id INT PRIMARY KEY, name VARCHAR(40));
       INSERT INTO departments VALUES (1, 'Sales'), (2, 'Research'), (3, 'Support');`,
    );
    const connection = await admin();
    try {
      for (const [index, password] of TRICKY_PASSWORDS.entries()) {
        const user = `qt_pw_${tag}_${index}`;
        users.push(user);
        // One account per host form, so no anonymous account shadows it for local connections.
        for (const host of ['localhost', '127.0.0.1', '%']) {
          await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
          await connection.query(`GRANT SELECT ON \`${db.name}\`.* TO ?@?`, [user, host]);
        }
      }
    } finally {
      await connection.end();
    }
    quarry = await startLoggedQuarry(
      { ADMIN_TOKEN, LOG_LEVEL: 'trace', QUERY_TIMEOUT_MS: '5000' },
      'trace',
    );
    quarry.fake.onChat(() => sqlReply(SQL));
  });
  afterAll(async () => {
    await quarry?.close();
    const connection = await admin();
    try {
      for (const user of users) {
        for (const host of ['localhost', '127.0.0.1', '%']) {
          await connection.query('DROP USER IF EXISTS ?@?', [user, host]);
        }
      }
    } finally {
      await connection.end();
    }
    await db?.drop();
  });

  it('connects with each, raw and %-encoded, and shows none in logs, answers, frames or the app database', async () => {
    for (const [index, password] of TRICKY_PASSWORDS.entries()) {
      const user = users[index] as string;
      const forms = [
        ['raw', password],
        ['enc', encodeURIComponent(password)],
      ] as const;
      for (const [form, written] of forms) {
        const name = `${form}_${index}`;
        const url = `mysql://${user}:${written}@127.0.0.1:3306/${db.name}`;
        const created = await api('POST', '/api/datasources', { name, url });
        expect(created.status, `${name}: ${JSON.stringify(created.body)}`).toBe(201);
        expect(created.body).toMatchObject({
          url: `mysql://${user}:***@127.0.0.1:3306/${db.name}`,
          has_password: true,
        });
        // The password was read whole: the database accepts it.
        const text = await askText(quarry.wsUrl, '所有部门', { datasource: name });
        seen.push(...text);
        expect(JSON.parse(text.at(-1) ?? '{}'), name).toMatchObject({
          status: 'success',
          result: [{ name: 'Sales' }, { name: 'Research' }, { name: 'Support' }],
        });
        expect((await api('POST', '/api/datasources/test', { name })).status).toBe(200);
      }

      // A wrong password and an unreachable server: errors in frames and test connection.
      for (const [name, url] of [
        [`wrong_${index}`, `mysql://${user}:${password}Nope@127.0.0.1:3306/${db.name}`],
        [`gone_${index}`, `mysql://${user}:${password}@127.0.0.1:1/${db.name}`],
      ] as const) {
        expect((await api('POST', '/api/datasources', { name, url })).status).toBe(201);
        const events = await askEvents(quarry.wsUrl, '所有部门', { datasource: name });
        seen.push(JSON.stringify(events));
        expect(outcomeEvent(events)).toMatchObject({
          type: 'error',
          code: 'DATASOURCE_UNAVAILABLE',
        });
        seen.push(...(await askText(quarry.wsUrl, '所有部门', { datasource: name })));
        expect((await api('POST', '/api/datasources/test', { url })).status).toBe(400);
        expect((await api('POST', '/api/datasources/test', { name })).status).toBe(400);
      }
      // Malformed on purpose: the refusal must not echo the password either.
      const refused = await api('POST', '/api/datasources', {
        name: `bad_${index}`,
        url: `mysql://${user}:${password}@127.0.0.1:99999/${db.name}`,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('INVALID_DATASOURCE_URL');
    }
    for (const path of ['/api/datasources?page_size=100', '/api/datasources/raw_0', '/api/asks']) {
      expect((await api('GET', path)).status).toBe(200);
    }

    const logs = quarry.logs.map((line) => line.raw).join('\n');
    // The logger saw the failures, so the check below is not vacuous.
    expect(logs).toContain('Access denied');
    expect(logs).toContain('ECONNREFUSED');
    const appDatabase = await Promise.all(
      ['app.sqlite', 'app.sqlite-wal'].map((file) =>
        readFile(join(quarry.dir, file)).then(
          (bytes) => bytes.toString('latin1'),
          () => '',
        ),
      ),
    );
    const places = { answers: seen.join('\n'), logs, appDatabase: appDatabase.join('\n') };
    for (const password of TRICKY_PASSWORDS) {
      for (const secret of [password, encodeURIComponent(password), ...fragments(password)]) {
        for (const [place, text] of Object.entries(places)) {
          expect(text.includes(secret), `${JSON.stringify(secret)} in ${place}`).toBe(false);
        }
      }
    }
  });
});
