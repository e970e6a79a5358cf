import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { createTestDatabase, MARIADB_ROOT_URL } from '../../support/mariadb.js';
import { describeHostileModel } from './hostileHarness.js';

const FILE_TAG = randomBytes(4).toString('hex');
const OUR_FILES = [1, 2, 3].map((n) => `/tmp/quarry-hostile-${FILE_TAG}-${n}`);

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

describeHostileModel('a model that answers every question with destructive SQL', {
  dialect: 'mysql',
  statements: [
    `SELECT * FROM employees INTO OUTFILE '${OUR_FILES[0]}'`,
    `SELECT name FROM departments UNION SELECT name FROM employees INTO DUMPFILE '${OUR_FILES[1]}'`,
    `SELECT * INTO OUTFILE '${OUR_FILES[2]}' FROM sales`,
    // Executable comments in the middle: the corpus's trailing ones are cut off by extraction.
    'SELECT name /*!50000 , SLEEP(5) */ FROM employees',
    'SELECT name FROM employees /*!50000 WHERE id IN (SELECT id FROM employees FOR UPDATE) */ LIMIT 1',
  ],
  files: OUR_FILES,
  minGuarded: 100,
  clients: 4,
  checkStatements(statements, guarded) {
    // Every stacked write is guarded: none is cut off and run as its first SELECT.
    for (const sql of statements) {
      if (/^SELECT 1;\s*DROP TABLE/.test(sql)) expect(guarded(sql), sql).toBe(true);
    }
    for (const word of ['DROP', 'DELETE', 'UPDATE', 'INSERT', 'OUTFILE', 'SLEEP', '/*!', '\n']) {
      expect(statements.some((sql) => sql.includes(word))).toBe(true);
    }
  },
  async open() {
    const database = await createTestDatabase('hostile_model', await demoSql());
    return {
      url: database.url,
      fingerprint: () => fingerprint(database.name),
      drop: () => database.drop(),
    };
  },
});
