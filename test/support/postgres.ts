import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL this machine runs (user postgres, trust); tests create their own databases. */
export const POSTGRES_ROOT_URL = 'postgres://postgres@127.0.0.1:5432';

export interface TestPgDatabase {
  name: string;
  /** `postgres://postgres@127.0.0.1:5432/<name>` */
  url: string;
  /** Runs Quarry-independent SQL in the database as the superuser (setup and checks). */
  query<Row extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    values?: unknown[],
  ): Promise<Row[]>;
  drop(): Promise<void>;
}

async function withClient<T>(database: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${POSTGRES_ROOT_URL}/${database}` });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh, uniquely named database (UTF8) and returns its URL. Optional `sql` is run in
 * it first (multiple statements allowed). Call `drop()` in afterAll.
 */
export async function createTestPgDatabase(prefix: string, sql?: string): Promise<TestPgDatabase> {
  const name = `qt_${prefix.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  await withClient('postgres', (client) =>
    client.query(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`),
  );
  if (sql) await withClient(name, (client) => client.query(sql));
  return {
    name,
    url: `${POSTGRES_ROOT_URL}/${name}`,
    query: (text, values) =>
      withClient(name, async (client) => (await client.query(text, values)).rows),
    async drop() {
      await withClient('postgres', (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}
