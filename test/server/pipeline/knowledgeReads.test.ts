import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../support/mariadbServer.js';
import {
  ADMIN_TOKEN,
  askEvents,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from '../safety/support.js';

const APP_USER = { name: 'quarry_app', password: 'app-password-1' };
const PAIR_QUESTION = '研发中心的员工一共有多少人';
const PAIR_SQL = 'SELECT COUNT(*) AS people FROM employees WHERE department_id = 1';
const MODEL_SQL = 'SELECT name FROM departments ORDER BY id';
const INSTRUCTION = 'Always order departments by id.';
/** How often the server reads the revision when no notice came (the one read it may make). */
const CHECK_MS = 400;
/** A statement naming a table the knowledge snapshot is read from (not text in a value). */
const KNOWLEDGE_TABLE =
  /(?:`|\b(?:FROM|JOIN|INTO|UPDATE)\s+)(?:sql_pairs|instructions|dictionary_entries|schema_descriptions|relationships|calculated_fields|metrics|data_sources|settings)\b/i;

/**
 * What the server's own app-database user sent since the log was turned on, from the private
 * server's general log (the machine's shared MariaDB is never touched: its log would mix
 * every test's statements).
 */
async function loggedStatements(db: PrivateMariaDb): Promise<string[]> {
  const rows = (await db.query(
    `SELECT argument FROM mysql.general_log
     WHERE command_type = 'Query' AND user_host LIKE '${APP_USER.name}%'`,
  )) as { argument: Buffer | string }[];
  return rows.map((row) => String(row.argument));
}

describe('asks read what Quarry knows from memory', { timeout: 120_000 }, () => {
  let db: PrivateMariaDb;
  let quarry: LoggedQuarry;
  const admin = (path: string, body: unknown) =>
    fetch(`${quarry.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    db = await startPrivateMariaDb();
    const grants = ['127.0.0.1', 'localhost'].map(
      (host) =>
        `CREATE USER '${APP_USER.name}'@'${host}' IDENTIFIED BY '${APP_USER.password}'; GRANT ALL ON app.* TO '${APP_USER.name}'@'${host}';`,
    );
    await db.query(`CREATE DATABASE app; ${grants.join(' ')}`);
    quarry = await startLoggedQuarry({
      APP_DATABASE_URL: db.url('app', APP_USER),
      KNOWLEDGE_CHECK_MS: String(CHECK_MS),
    });
    quarry.fake.onChat(() => sqlReply(MODEL_SQL));
  });
  afterAll(async () => {
    await quarry?.close();
    await db?.destroy();
  });

  it("an admin's edit reaches the next ask; once warm, no ask reads knowledge from the app database", async () => {
    expect((await admin('/api/sql-pairs', { question: PAIR_QUESTION, sql: PAIR_SQL })).status).toBe(
      201,
    );
    expect((await admin('/api/instructions', { text: INSTRUCTION, scope: 'global' })).status).toBe(
      201,
    );
    // The very next asks see both: the pair answers its question without the model, and the
    // instruction is in the prompt of the next question the model writes SQL for.
    expect(outcomeEvent(await askEvents(quarry.wsUrl, `${PAIR_QUESTION}？`))).toMatchObject({
      type: 'result',
      sql: PAIR_SQL,
    });
    expect(quarry.fake.chatRequests).toHaveLength(0);
    expect(outcomeEvent(await askEvents(quarry.wsUrl, '列出所有部门'))).toMatchObject({
      type: 'result',
      sql: MODEL_SQL,
    });
    expect(
      quarry.fake.chatRequests.at(-1)?.messages.some((m) => m.content.includes(INSTRUCTION)),
    ).toBe(true);

    await db.query(
      "TRUNCATE TABLE mysql.general_log; SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 'ON'",
    );
    const started = performance.now();
    for (const question of [PAIR_QUESTION, '列出所有部门', 'Which departments are there?']) {
      expect(outcomeEvent(await askEvents(quarry.wsUrl, question))).toMatchObject({
        type: 'result',
      });
    }
    // Long enough for the periodic check to run at least once, which is all it may read.
    await new Promise((done) => setTimeout(done, CHECK_MS * 2));
    const elapsed = performance.now() - started;
    const statements = await loggedStatements(db);
    await db.query("SET GLOBAL general_log = 'OFF'");

    const checks = statements.filter((sql) => /FROM knowledge_revision/i.test(sql));
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.length).toBeLessThanOrEqual(Math.ceil(elapsed / CHECK_MS) + 2);
    // Ask-history writes are the only other statements: no knowledge table, no read of asks.
    const others = statements.filter((sql) => !/FROM knowledge_revision/i.test(sql));
    expect(others.filter((sql) => KNOWLEDGE_TABLE.test(sql))).toEqual([]);
    expect(others.filter((sql) => /^\s*SELECT/i.test(sql))).toEqual([]);
  });
});
