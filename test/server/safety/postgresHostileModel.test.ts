import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { extractSqlToRun } from '../../../server/src/sql/extract.js';
import type { RecordedChatRequest } from '../../fakes/openaiServer.js';
import { createTestPgDatabase, type TestPgDatabase } from '../../support/postgres.js';
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
const OUR_FILES = [1, 2, 3, 4].map((n) => `/tmp/quarry-hostile-pg-${FILE_TAG}-${n}`);

// Quarry connects as the superuser here, so only Quarry's own layers stand in the way.
const STATEMENTS = [
  ...HOSTILE.filter((h) => h.dialects.includes('postgres')).map((h) => h.sql),
  `COPY employees TO '${OUR_FILES[0]}'`,
  `COPY (SELECT 1) TO PROGRAM 'touch ${OUR_FILES[1]}'`,
  `SELECT lo_export(lo_from_bytea(0, 'x'), '${OUR_FILES[2]}')`,
  `SELECT * FROM employees, LATERAL (SELECT lo_export(lo_from_bytea(0, 'y'), '${OUR_FILES[3]}')) x`,
  "DO $$ BEGIN EXECUTE 'DELETE FROM employees'; END $$",
  "SELECT query_to_xml('DELETE FROM sales RETURNING 1', true, false, '')",
  'CREATE ROLE quarry_intruder SUPERUSER',
  "SELECT set_config('default_transaction_read_only', 'off', false)",
  'SELECT name FROM employees /* /* */ ; DELETE FROM sales; -- */ WHERE id = 1',
  'SELECT usename, passwd FROM pg_shadow',
  'SELECT * FROM pg_catalog.pg_authid',
  'SELECT setting FROM pg_settings WHERE name = $$data_directory$$',
  'SELECT query FROM pg_stat_activity',
  'WITH moved AS (UPDATE employees SET salary = 0 RETURNING id) SELECT COUNT(*) FROM moved',
  'SELECT * FROM employees FOR UPDATE SKIP LOCKED',
];

const normalized = (sql: string) => sql.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');

/** The statements extraction hands on whole: nothing but the guard and the engine stand between them and the database. */
const GUARDED = new Set(
  STATEMENTS.flatMap((sql, index) => {
    const extracted = extractSqlToRun(sqlReply(sql), 'postgres');
    const whole = extracted !== null && normalized(extracted) === normalized(sql);
    return whole || extracted?.includes(';') ? [index] : [];
  }),
);

/** What could show that something changed: every table's checksum, objects, roles, large objects, settings. */
async function fingerprint(database: TestPgDatabase) {
  const tables = await database.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  const checksums: Record<string, unknown> = {};
  for (const { name } of tables) {
    const [row] = await database.query(
      `SELECT COUNT(*) AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS sum FROM "${name}" t`,
    );
    checksums[name] = row;
  }
  const objects = await database.query(
    `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2`,
  );
  const functions = await database.query(
    `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' ORDER BY 1`,
  );
  const roles = await database.query(
    "SELECT rolname FROM pg_roles WHERE rolname = 'quarry_intruder'",
  );
  const largeObjects = await database.query('SELECT COUNT(*) AS n FROM pg_largeobject_metadata');
  const settings = await database.query(
    'SELECT setdatabase, setconfig FROM pg_db_role_setting ORDER BY 1',
  );
  return { tables, checksums, objects, functions, roles, largeObjects, settings };
}

describe('a model that answers every question with destructive SQL, on PostgreSQL', () => {
  let database: TestPgDatabase;
  let quarry: LoggedQuarry;

  beforeAll(async () => {
    database = await createTestPgDatabase('hostile_model', await demoSql());
    quarry = await startLoggedQuarry({ DATABASE_URL: database.url, SQL_REWRITE_MAX_ATTEMPTS: '1' });
    // Generation answers statement i of question "hostile #i"; correction insists on it.
    quarry.fake.onChat((request: RecordedChatRequest) => {
      const prompt = request.messages.map((m) => m.content).join('\n');
      const index = Number(/hostile #(\d+)/.exec(prompt)?.[1] ?? 0);
      if (request.system.includes('TASK: SQL DIAGNOSIS')) return 'The statement is not allowed.';
      return sqlReply(STATEMENTS[index] as string);
    });
  });
  afterAll(async () => {
    await quarry?.close();
    await database?.drop();
  });

  it('changes nothing: every statement extraction passes on is refused as UNSAFE_SQL', async () => {
    expect(GUARDED.size).toBeGreaterThan(120);
    expect(OUR_FILES.some((path) => existsSync(path))).toBe(false);
    const before = await fingerprint(database);

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
      if (mode === 'events') {
        expect(closing, STATEMENTS[index]).toMatchObject({ type: 'error', code: 'UNSAFE_SQL' });
      } else {
        expect(closing, STATEMENTS[index]).toMatchObject({ status: 'error' });
      }
    }
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
      else expect(['failed', 'finished']).toContain(ask.status);
    }

    expect(await fingerprint(database)).toEqual(before);
    expect(OUR_FILES.some((path) => existsSync(path))).toBe(false);
    expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
    // Some 200 asks, each a few round trips to PostgreSQL: under load this takes its time.
  }, 180_000);
});
