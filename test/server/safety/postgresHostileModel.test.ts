import { randomBytes } from 'node:crypto';
import { demoSql } from '../../../server/src/demo/build.js';
import { createTestPgDatabase, type TestPgDatabase } from '../../support/postgres.js';
import { describeHostileModel } from './hostileHarness.js';

const FILE_TAG = randomBytes(4).toString('hex');
const OUR_FILES = [1, 2, 3, 4].map((n) => `/tmp/quarry-hostile-pg-${FILE_TAG}-${n}`);

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

describeHostileModel('a model that answers every question with destructive SQL, on PostgreSQL', {
  dialect: 'postgres',
  // Quarry connects as the superuser here, so only Quarry's own layers stand in the way.
  statements: [
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
  ],
  files: OUR_FILES,
  minGuarded: 120,
  clients: 4,
  async open() {
    const database = await createTestPgDatabase('hostile_model', await demoSql());
    return {
      url: database.url,
      fingerprint: () => fingerprint(database),
      drop: () => database.drop(),
    };
  },
});
