import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ensureDemoDatabase } from '../../../server/src/demo/build.js';
import { describeHostileModel } from './hostileHarness.js';

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

/**
 * Reads that try to turn SQLite's legacy double-quoted strings into an injection: the string
 * becomes a single-quoted literal, quotes doubled, so each runs as the read it is and finds no one.
 */
const TRICKS = [
  `SELECT name FROM employees WHERE name = "x'); DROP TABLE employees; --"`,
  `SELECT name FROM employees WHERE name = "a"";DELETE FROM employees;--"`,
  `SELECT name FROM employees WHERE name IN ("'", "';DELETE FROM employees;'")`,
];

/** The data source file's bytes and everything beside it (a journal, a WAL, a copy). */
async function fingerprint(dir: string) {
  const files = await readdir(dir);
  const sizes = await Promise.all(files.map(async (file) => (await stat(join(dir, file))).size));
  const hash = createHash('sha256')
    .update(await readFile(join(dir, 'shop.sqlite')))
    .digest('hex');
  return { hash, files: files.map((file, index) => `${file}:${sizes[index]}`).sort() };
}

describeHostileModel(
  'a model that answers every question with destructive SQL, on a SQLite data source',
  {
    dialect: 'sqlite',
    statements: SQLITE_ONLY,
    tricks: TRICKS,
    files: OUR_FILES,
    minGuarded: 80,
    clients: 3,
    checkStatements(_statements, guarded) {
      for (const sql of SQLITE_ONLY) expect(guarded(sql), sql).toBe(true);
    },
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'quarry-hostile-sqlite-'));
      return {
        url: await ensureDemoDatabase(join(dir, 'shop.sqlite')),
        fingerprint: () => fingerprint(dir),
        drop: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  'refuses every statement extraction passes on, through text and events mode, and changes nothing',
);
