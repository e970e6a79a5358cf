import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoDatabase } from '../../../server/src/demo/build.js';
import { extractSqlToRun } from '../../../server/src/sql/extract.js';
import type { RecordedChatRequest } from '../../fakes/openaiServer.js';
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
const OUR_FILES = [1, 2, 3, 4].map((n) => `/tmp/quarry-hostile-sqlite-${FILE_TAG}-${n}.db`);

/**
 * SQLite's own ways in, on top of the corpus: files made by ATTACH and VACUUM INTO, pragma
 * writes and session switches, temp objects, and writes stacked behind comments, string and
 * identifier quotes (SQLite's double-quoted strings and [brackets] included) and SQL that no
 * grammar reads (Chinese identifiers with `==`).
 */
const SQLITE_ONLY = [
  `ATTACH DATABASE '${OUR_FILES[0]}' AS x`,
  `SELECT 1; ATTACH DATABASE '${OUR_FILES[1]}' AS x; CREATE TABLE x.t (a)`,
  `VACUUM INTO '${OUR_FILES[2]}'`,
  `SELECT name FROM employees; VACUUM INTO '${OUR_FILES[3]}'`,
  'PRAGMA query_only = 0',
  'PRAGMA query_only = OFF; DELETE FROM employees',
  'PRAGMA user_version = 7',
  'PRAGMA main.journal_mode = WAL',
  'PRAGMA foreign_keys = OFF',
  'PRAGMA writable_schema = ON',
  'CREATE TEMP TABLE t AS SELECT * FROM employees',
  'CREATE TEMP VIEW v AS SELECT 1',
  'INSERT INTO employees SELECT * FROM employees RETURNING id',
  'SAVEPOINT s',
  'SELECT 1 -- ;\n; DROP TABLE employees',
  "SELECT '--'; DELETE FROM employees",
  'SELECT "a;b"; DELETE FROM employees',
  'SELECT name FROM employees WHERE name = "x" ; UPDATE employees SET salary = 0',
  'SELECT [x;y] FROM employees; DROP TABLE employees',
  'SELECT `a;b` FROM employees; DROP TABLE employees',
  "SELECT 1 /* ' */; DELETE FROM employees -- '",
  'SELECT * FROM employees;\n/* the model explains itself */\nPRAGMA query_only = 0; DELETE FROM employees',
  "SELECT * FROM employees WHERE name = 'x' UNION SELECT sql FROM sqlite_master; DROP TABLE employees",
  'SELECT 1 == 1; DELETE FROM employees',
  'select 名称 from 员工 where 编号 == 1; delete from employees',
  'select 名称 from 员工 where 编号 <> 1; pragma query_only = 0',
  'BEGIN; DELETE FROM employees; COMMIT',
];

const STATEMENTS = [
  ...HOSTILE.filter((h) => h.dialects.includes('sqlite')).map((h) => h.sql),
  ...SQLITE_ONLY,
];

/**
 * Reads that try to turn SQLite's legacy double-quoted strings into an injection: the string
 * becomes a single-quoted literal, quotes doubled, so each runs as the read it is and finds no one.
 */
const TRICKS = [
  `SELECT name FROM employees WHERE name = "x'); DROP TABLE employees; --"`,
  `SELECT name FROM employees WHERE name = "a"";DELETE FROM employees;--"`,
  `SELECT name FROM employees WHERE name IN ("'", "';DELETE FROM employees;'")`,
];

const normalized = (sql: string) => sql.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');

/** Statements extraction hands on whole (stacked writes included): only the guard stops them. */
const GUARDED = new Set(
  STATEMENTS.flatMap((sql, index) => {
    const extracted = extractSqlToRun(sqlReply(sql), 'sqlite');
    const whole = extracted !== null && normalized(extracted) === normalized(sql);
    return whole || extracted?.includes(';') ? [index] : [];
  }),
);

/** The data source file's bytes and everything beside it (a journal, a WAL, a copy). */
async function fingerprint(dir: string) {
  const files = await readdir(dir);
  const sizes = await Promise.all(files.map(async (file) => (await stat(join(dir, file))).size));
  const hash = createHash('sha256')
    .update(await readFile(join(dir, 'shop.sqlite')))
    .digest('hex');
  return { hash, files: files.map((file, index) => `${file}:${sizes[index]}`).sort() };
}

describe('a model that answers every question with destructive SQL, on a SQLite data source', () => {
  let dir: string;
  let quarry: LoggedQuarry;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-hostile-sqlite-'));
    const url = await ensureDemoDatabase(join(dir, 'shop.sqlite'));
    quarry = await startLoggedQuarry({ DATABASE_URL: url, SQL_REWRITE_MAX_ATTEMPTS: '1' });
    const all = [...STATEMENTS, ...TRICKS];
    quarry.fake.onChat((request: RecordedChatRequest) => {
      const prompt = request.messages.map((m) => m.content).join('\n');
      const index = Number(/hostile #(\d+)/.exec(prompt)?.[1] ?? 0);
      if (request.system.includes('TASK: SQL DIAGNOSIS')) return 'The statement is not allowed.';
      // The correction insists on the same statement: a retry must be refused again.
      return sqlReply(all[index] as string);
    });
  });
  afterAll(async () => {
    await quarry?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses every statement extraction passes on, through text and events mode, and changes nothing', async () => {
    expect(GUARDED.size).toBeGreaterThan(80);
    for (const [index, sql] of SQLITE_ONLY.entries()) {
      expect(GUARDED.has(STATEMENTS.length - SQLITE_ONLY.length + index), sql).toBe(true);
    }
    expect(OUR_FILES.some((path) => existsSync(path))).toBe(false);
    const before = await fingerprint(dir);

    const outcomes: { index: number; closing: Record<string, unknown> }[] = [];
    let next = 0;
    const client = async () => {
      for (let i = next++; i < STATEMENTS.length + TRICKS.length; i = next++) {
        const question = `hostile #${i}`;
        if (i % 2 === 0) {
          const texts = await askText(quarry.wsUrl, question);
          outcomes.push({ index: i, closing: JSON.parse(texts.at(-1) ?? '{}') });
        } else {
          const events = await askEvents(quarry.wsUrl, question);
          outcomes.push({ index: i, closing: outcomeEvent(events) ?? {} });
        }
      }
    };
    await Promise.all([client(), client(), client()]);

    for (const { index, closing } of outcomes) {
      if (index >= STATEMENTS.length) {
        // The tricks run as the reads they are: no one is called that.
        const rows = closing.type === 'result' ? closing.rows : closing.result;
        expect(rows, TRICKS[index - STATEMENTS.length]).toEqual([]);
      } else if (GUARDED.has(index)) {
        if (index % 2 === 1) expect(closing).toMatchObject({ type: 'error', code: 'UNSAFE_SQL' });
        else expect(closing).toMatchObject({ status: 'error', message: expect.any(String) });
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
    expect(history.total).toBe(STATEMENTS.length + TRICKS.length);
    for (const ask of history.items) {
      const index = Number(ask.question.slice('hostile #'.length));
      if (GUARDED.has(index)) {
        expect(`${ask.status} ${ask.error_code}`, STATEMENTS[index]).toBe('failed UNSAFE_SQL');
      } else if (index >= STATEMENTS.length) {
        expect(ask.status, TRICKS[index - STATEMENTS.length]).toBe('finished');
      }
    }

    expect(await fingerprint(dir)).toEqual(before);
    expect(OUR_FILES.some((path) => existsSync(path))).toBe(false);
    expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
  }, 180_000);
});
