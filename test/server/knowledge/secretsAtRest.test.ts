import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { describe, expect, test } from 'vitest';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { loadSecretKey, SECRET_KEY_FILE } from '../../../server/src/secrets.js';
import { BACKENDS, createAppDatabase, silentLogger } from './appDatabase.js';

const PASSWORD = 'At-Rest@Pw:Kestrel/42';
const URL_WITH_PASSWORD = `mysql://reader:${encodeURIComponent(PASSWORD)}@db.internal:3306/sales`;

/** The `data_sources.url` column as stored, read past the store. */
async function rawUrls(appUrl: string): Promise<string[]> {
  if (appUrl.startsWith('sqlite:')) {
    const db = new Database(appUrl.slice('sqlite:'.length), { readonly: true });
    try {
      return (
        db.prepare('SELECT url FROM data_sources ORDER BY id').all() as { url: string }[]
      ).map((row) => row.url);
    } finally {
      db.close();
    }
  }
  const connection = await mysql.createConnection({ uri: appUrl });
  try {
    const [rows] = await connection.query('SELECT url FROM data_sources ORDER BY id');
    return (rows as { url: string }[]).map((row) => row.url);
  } finally {
    await connection.end();
  }
}

async function writeRawUrl(appUrl: string, name: string, url: string): Promise<void> {
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
  const sql =
    'INSERT INTO data_sources (name, url, description, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)';
  if (appUrl.startsWith('sqlite:')) {
    const db = new Database(appUrl.slice('sqlite:'.length));
    try {
      db.prepare(sql).run(name, url, now, now);
    } finally {
      db.close();
    }
    return;
  }
  const connection = await mysql.createConnection({ uri: appUrl });
  try {
    await connection.query(sql, [name, url, now, now]);
  } finally {
    await connection.end();
  }
}

describe.each(BACKENDS)('data-source passwords at rest on %s', (backend) => {
  test('are sealed with the key, readable only with it, and old plaintext rows are sealed at open', async () => {
    const db = await createAppDatabase(backend, 'at_rest');
    const open = (secretKey: string) =>
      openKnowledgeStore({ url: db.url, logger: silentLogger, secretKey });
    try {
      const store = await open('first-key-0123456789abcdef');
      await store.datasources.create({ name: 'sales', url: URL_WITH_PASSWORD });
      await store.datasources.ensureDefault('sqlite:/srv/demo.sqlite');
      expect(await store.datasources.getUrl('sales')).toBe(URL_WITH_PASSWORD);
      await store.close();
      for (const stored of await rawUrls(db.url)) {
        expect(stored).toMatch(/^enc:v1:/);
        expect(stored).not.toContain('Kestrel');
        expect(stored).not.toContain('db.internal');
      }

      // A row an older release wrote in plain text.
      await writeRawUrl(db.url, 'legacy', `mysql://old:${PASSWORD}@db.internal:3306/x`);
      const reopened = await open('first-key-0123456789abcdef');
      expect((await rawUrls(db.url)).every((stored) => stored.startsWith('enc:v1:'))).toBe(true);
      expect(await reopened.datasources.getUrl('legacy')).toBe(
        `mysql://old:${PASSWORD}@db.internal:3306/x`,
      );
      expect((await reopened.datasources.get('legacy'))?.url).toBe(
        'mysql://old:***@db.internal:3306/x',
      );
      await reopened.close();

      // Another key reads nothing, and says why instead of failing the list.
      const wrongKey = await open('another-key-0123456789abcdef');
      try {
        await expect(wrongKey.datasources.getUrl('sales')).rejects.toThrow(/QUARRY_SECRET_KEY/);
        const listed = await wrongKey.datasources.list();
        expect(listed.items.find((item) => item.name === 'sales')?.url).toMatch(
          /another QUARRY_SECRET_KEY/,
        );
      } finally {
        await wrongKey.close();
      }
    } finally {
      await db.drop();
    }
  });
});

test('an unset QUARRY_SECRET_KEY is generated once beside the app database, private to its owner', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-key-'));
  try {
    const appUrl = `sqlite:${join(dir, 'quarry.sqlite')}`;
    const keys = Array.from({ length: 4 }, () => loadSecretKey(undefined, appUrl, silentLogger));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]?.length).toBeGreaterThanOrEqual(32);
    const file = await stat(join(dir, SECRET_KEY_FILE));
    expect(file.mode & 0o777).toBe(0o600);
    expect(loadSecretKey('configured-key-0123456789', appUrl, silentLogger)).toBe(
      'configured-key-0123456789',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
