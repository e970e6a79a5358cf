import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { extractSqlToRun } from '../../../server/src/sql/extract.js';
import type { RecordedChatRequest } from '../../fakes/openaiServer.js';
import { createTestDatabase, MARIADB_ROOT_URL, type TestDatabase } from '../../support/mariadb.js';
import { HOSTILE } from '../sql/corpus/hostile.js';
import {
  askEvents,
  askText,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from './support.js';

const FILE_TAG = randomBytes(4).toString('hex');
const OUR_FILES = [1, 2, 3].map((n) => `/tmp/quarry-hostile-${FILE_TAG}-${n}`);

const STATEMENTS = [
  ...HOSTILE.filter((h) => h.dialects.includes('mysql')).map((h) => h.sql),
  `SELECT * FROM employees INTO OUTFILE '${OUR_FILES[0]}'`,
  `SELECT name FROM departments UNION SELECT name FROM employees INTO DUMPFILE '${OUR_FILES[1]}'`,
  `SELECT * INTO OUTFILE '${OUR_FILES[2]}' FROM sales`,
  // Executable comments in the middle: the corpus's trailing ones are cut off by extraction.
  'SELECT name /*!50000 , SLEEP(5) */ FROM employees',
  'SELECT name FROM employees /*!50000 WHERE id IN (SELECT id FROM employees FOR UPDATE) */ LIMIT 1',
];

const normalized = (sql: string) => sql.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');

/**
 * The statements extraction hands on whole, stacked writes included (`SELECT 1; DROP …` is
 * refused as one answer): nothing but the guard stands between them and the database, so
 * every one must be refused. (Extraction alone defuses the rest, such as a write hidden in a
 * trailing comment; they run too, and must change nothing either.)
 */
const GUARDED = new Set(
  STATEMENTS.flatMap((sql, index) => {
    const extracted = extractSqlToRun(sqlReply(sql), 'mysql');
    const whole = extracted !== null && normalized(extracted) === normalized(sql);
    return whole || extracted?.includes(';') ? [index] : [];
  }),
);

/** What could show that something changed: every table's checksum, views, routines, triggers, users. */
async function fingerprint(database: string) {
  const connection = await mysql.createConnection({ uri: `${MARIADB_ROOT_URL}/${database}` });
  try {
    const [tables] = await connection.query('SHOW FULL TABLES');
    const names = (tables as Record<string, string>[]).map(
      (row) => Object.values(row)[0] as string,
    );
    const [checksums] = await connection.query(
      `CHECKSUM TABLE ${names.map((name) => `\`${name}\``).join(', ')}`,
    );
    const [objects] = await connection.query(
      `SELECT 'routine' AS kind, ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
       UNION ALL SELECT 'trigger', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
       UNION ALL SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`,
      [database, database, database],
    );
    const [users] = await connection.query(
      "SELECT COUNT(*) AS n FROM mysql.user WHERE User IN ('x', 'quarry')",
    );
    return { tables, checksums, objects, users };
  } finally {
    await connection.end();
  }
}

describe('a model that answers every question with destructive SQL', () => {
  let database: TestDatabase;
  let quarry: LoggedQuarry;

  beforeAll(async () => {
    database = await createTestDatabase('hostile_model', await demoSql());
    quarry = await startLoggedQuarry({ DATABASE_URL: database.url, SQL_REWRITE_MAX_ATTEMPTS: '1' });
    // Generation answers statement i of question "hostile #i", correction the next one.
    quarry.fake.onChat((request: RecordedChatRequest) => {
      const prompt = request.messages.map((m) => m.content).join('\n');
      const index = Number(/hostile #(\d+)/.exec(prompt)?.[1] ?? 0);
      if (request.system.includes('TASK: SQL DIAGNOSIS')) return 'The statement is not allowed.';
      // The correction insists on the same statement: a retry must be refused again.
      return sqlReply(STATEMENTS[index] as string);
    });
  });
  afterAll(async () => {
    await quarry?.close();
    await database?.drop();
  });

  it('changes nothing: every statement extraction passes on is refused as UNSAFE_SQL', async () => {
    expect(GUARDED.size).toBeGreaterThan(100);
    // Every stacked write is among them: none is cut off and run as its first SELECT.
    for (const [index, sql] of STATEMENTS.entries()) {
      if (/^SELECT 1;\s*DROP TABLE/.test(sql)) expect(GUARDED.has(index), sql).toBe(true);
    }
    for (const word of ['DROP', 'DELETE', 'UPDATE', 'INSERT', 'OUTFILE', 'SLEEP', '/*!', '\n']) {
      expect(STATEMENTS.some((sql) => sql.includes(word))).toBe(true);
    }
    expect(OUR_FILES.some((path) => existsSync(path))).toBe(false);
    const before = await fingerprint(database.name);

    // Four clients at a time, alternating text and events mode.
    const outcomes: { index: number; mode: string; closing: Record<string, unknown> }[] = [];
    let next = 0;
    const client = async () => {
      for (let i = next++; i < STATEMENTS.length; i = next++) {
        const question = `hostile #${i}`;
        if (i % 2 === 0) {
          const texts = await askText(quarry.wsUrl, question);
          outcomes.push({ index: i, mode: 'text', closing: JSON.parse(texts.at(-1) ?? '{}') });
        } else {
          const events = await askEvents(quarry.wsUrl, question);
          outcomes.push({ index: i, mode: 'events', closing: outcomeEvent(events) ?? {} });
        }
      }
    };
    await Promise.all([client(), client(), client(), client()]);

    expect(outcomes).toHaveLength(STATEMENTS.length);
    for (const { index, mode, closing } of outcomes) {
      if (!GUARDED.has(index)) continue;
      if (mode === 'events') expect(closing).toMatchObject({ type: 'error', code: 'UNSAFE_SQL' });
      else expect(closing).toMatchObject({ status: 'error', message: expect.any(String) });
    }
    // Text frames carry no code; the history names it for every ask (each outcome is written
    // just after its closing frame: wait for the last ones).
    const listed = () => quarry.server.store.asks.list({ q: 'hostile #', page: 1, page_size: 500 });
    await expect
      .poll(
        async () =>
          (await listed()).items.filter((ask) => !['failed', 'finished'].includes(ask.status))
            .length,
      )
      .toBe(0);
    const history = await listed();
    expect(history.total).toBe(STATEMENTS.length);
    for (const ask of history.items) {
      const index = Number(ask.question.slice('hostile #'.length));
      const ending = `${ask.status} ${ask.error_code}`;
      if (GUARDED.has(index)) expect(ending, STATEMENTS[index]).toBe('failed UNSAFE_SQL');
      // Defused by extraction: refused, failed or harmlessly answered; the fingerprint decides.
      else expect(['failed', 'finished']).toContain(ask.status);
    }

    expect(await fingerprint(database.name)).toEqual(before);
    expect(OUR_FILES.some((path) => existsSync(path))).toBe(false);
    expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
  });
});
