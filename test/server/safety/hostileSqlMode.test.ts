import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../support/mariadbServer.js';
import { HOSTILE } from '../sql/corpus/hostile.js';
import { answerWithStatements, askEveryStatement } from './hostileHarness.js';
import { type LoggedQuarry, startLoggedQuarry } from './support.js';

const TAG = randomBytes(4).toString('hex');
const OUTFILES = [1, 2, 3].map((n) => join(tmpdir(), `quarry-sqlmode-${TAG}-${n}`));
const SECRET_FILE = join(tmpdir(), `quarry-sqlmode-${TAG}-secret`);
const SECRET = `the-secret-content-${TAG}`;
const LOCK = `quarry_lock_${TAG}`;
/** Result columns that only exist if the server ran what the guard read as a string. */
const ALIASES = [`file_${TAG}`, `locked_${TAG}`, `slept_${TAG}`, `file2_${TAG}`, `slept2_${TAG}`];

/**
 * Statements that are harmless strings when backslashes escape and double quotes delimit
 * strings (MySQL's default, and what the guard's lexer assumes), and a file write, a file
 * read, a lock or a sleep under NO_BACKSLASH_ESCAPES or ANSI_QUOTES.
 */
const MODE_SENSITIVE = [
  `SELECT 'q\\' INTO OUTFILE '${OUTFILES[0]}' -- '`,
  `SELECT 'q\\', LOAD_FILE('${SECRET_FILE}') AS ${ALIASES[0]} -- '`,
  `SELECT 'q\\', GET_LOCK('${LOCK}', 0) AS ${ALIASES[1]} -- '`,
  `SELECT 'q\\', SLEEP(1) AS ${ALIASES[2]} -- '`,
  `SELECT name FROM employees WHERE name = 'x\\' UNION SELECT LOAD_FILE('${SECRET_FILE}') -- '`,
  `SELECT 'a\\'; DROP TABLE employees; -- '`,
  `SELECT "q\\" INTO OUTFILE '${OUTFILES[1]}' -- "`,
  `SELECT "q\\", LOAD_FILE('${SECRET_FILE}') AS ${ALIASES[3]} -- "`,
  `SELECT "q\\", SLEEP(1) AS ${ALIASES[4]} -- "`,
  `SELECT * FROM employees WHERE name = "x\\" INTO OUTFILE '${OUTFILES[2]}' -- "`,
];

const STATEMENTS = [
  ...MODE_SENSITIVE,
  ...HOSTILE.filter((h) => h.dialects.includes('mysql')).map((h) => h.sql),
];

describe('the hostile corpus against a MariaDB whose sql_mode is NO_BACKSLASH_ESCAPES,ANSI_QUOTES', () => {
  let db: PrivateMariaDb;
  let quarry: LoggedQuarry;

  /** Every table's checksum, and the routines, triggers, events and users that exist. */
  async function fingerprint() {
    const tables = (await db.query('SHOW FULL TABLES', 'demo')) as Record<string, string>[];
    const names = tables.map((row) => `\`${Object.values(row)[0]}\``);
    return {
      tables,
      checksums: await db.query(`CHECKSUM TABLE ${names.join(', ')}`, 'demo'),
      objects: await db.query(
        `SELECT 'routine' AS kind, ROUTINE_NAME AS name FROM information_schema.ROUTINES
         UNION ALL SELECT 'trigger', TRIGGER_NAME FROM information_schema.TRIGGERS
         UNION ALL SELECT 'event', EVENT_NAME FROM information_schema.EVENTS`,
      ),
      users: await db.query('SELECT User, Host FROM mysql.user ORDER BY User, Host'),
      databases: await db.query('SHOW DATABASES'),
    };
  }

  beforeAll(async () => {
    await writeFile(SECRET_FILE, SECRET);
    db = await startPrivateMariaDb();
    await db.query('CREATE DATABASE demo CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await db.query(await demoSql(), 'demo');
    // Every new session, Quarry's included, starts in this mode unless it states its own.
    await db.query("SET GLOBAL sql_mode = 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES'");
    // The worst case: an account that may write files (FILE privilege) and take locks.
    quarry = await startLoggedQuarry({
      DATABASE_URL: db.url('demo'),
      SQL_REWRITE_MAX_ATTEMPTS: '1',
    });
    answerWithStatements(quarry, STATEMENTS);
  });
  afterAll(async () => {
    await quarry?.close();
    await db?.destroy();
    await Promise.all([SECRET_FILE, ...OUTFILES].map((path) => rm(path, { force: true })));
  });

  it('writes nothing, reads no file, takes no lock and sleeps nowhere', async () => {
    expect(await db.query('SELECT @@GLOBAL.sql_mode AS mode')).toEqual([
      { mode: 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES' },
    ]);
    const before = await fingerprint();

    const answers: string[] = [];
    /** Column names of every result that came back. */
    const columns: string[] = [];
    for (const outcome of await askEveryStatement(quarry.wsUrl, STATEMENTS.length, 4)) {
      if (outcome.mode === 'text') {
        answers.push(...outcome.texts);
        const rows = (outcome.closing as { result?: object[] }).result ?? [];
        for (const row of rows) columns.push(...Object.keys(row));
      } else {
        answers.push(JSON.stringify(outcome.events));
        for (const event of outcome.events) {
          if (event.type === 'result') columns.push(...(event.columns as string[]));
        }
      }
    }

    expect(await fingerprint()).toEqual(before);
    expect(OUTFILES.filter((path) => existsSync(path))).toEqual([]);
    expect(answers.join('\n')).not.toContain(SECRET);
    expect(columns.filter((name) => ALIASES.includes(name))).toEqual([]);
    // A lock taken by a pooled session would still be held: Quarry's connections are open.
    expect(await db.query(`SELECT IS_USED_LOCK('${LOCK}') AS holder`)).toEqual([{ holder: null }]);
    expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
  }, 180_000); // some 200 asks through the whole pipeline
});
