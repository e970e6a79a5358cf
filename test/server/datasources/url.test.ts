import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskDataSourceUrl, parseDataSourceUrl, restoreMaskedPassword } from '@quarry/shared';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../../../server/src/config.js';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { TRICKY_PASSWORDS } from '../../support/trickyPasswords.js';
import { type AdminApiHarness, startAdminApi } from '../api/apiHarness.js';
import { BACKENDS, silentLogger } from '../knowledge/appDatabase.js';

describe('parseDataSourceUrl and maskDataSourceUrl', () => {
  test.each(TRICKY_PASSWORDS)('password %j: read whole, masked whole, raw and escaped', (pw) => {
    for (const written of [pw, encodeURIComponent(pw)]) {
      const url = `mysql://quarry_at:${written}@db.example:3307/sales?ssl=true`;
      const reading = parseDataSourceUrl(url);
      expect(reading).toEqual({
        ok: true,
        value: {
          kind: 'mysql',
          scheme: 'mysql',
          host: 'db.example',
          port: 3307,
          user: 'quarry_at',
          password: pw,
          database: 'sales',
          params: { ssl: 'true' },
        },
      });
      expect(maskDataSourceUrl(url)).toEqual({
        url: 'mysql://quarry_at:***@db.example:3307/sales?ssl=true',
        has_password: true,
      });
      // The console sends the masked form back: the stored password is restored exactly.
      expect(restoreMaskedPassword('mysql://quarry_at:***@db.example:3307/other', url)).toBe(
        `mysql://quarry_at:${written}@db.example:3307/other`,
      );
      expect(restoreMaskedPassword('mysql://quarry_at:***@elsewhere:3307/sales', url)).toBe(
        undefined,
      );
    }
  });

  test('users with @ and :, IPv6 hosts, default ports and query passwords', () => {
    const reading = parseDataSourceUrl('mariadb://ops%40corp:pw@[::1]/erp?password=also');
    expect(reading).toMatchObject({
      ok: true,
      value: { scheme: 'mariadb', user: 'ops@corp', host: '::1', port: 3306, database: 'erp' },
    });
    expect(maskDataSourceUrl('mysql://u@h/db?password=x&ssl=1').url).toBe(
      'mysql://u@h/db?password=***&ssl=1',
    );
    // An @ inside a query value does not end the user info.
    expect(parseDataSourceUrl('mysql://u:p@h:3306/db?note=a@b')).toMatchObject({
      ok: true,
      value: { user: 'u', password: 'p', host: 'h', database: 'db', params: { note: 'a@b' } },
    });
    expect(parseDataSourceUrl('sqlite:///var/data/a.sqlite')).toEqual({
      ok: true,
      value: { kind: 'sqlite', path: '/var/data/a.sqlite' },
    });
  });

  test.each([
    ['sqlite:/tmp/a\u0000b.sqlite', /control character \(U\+0000\)/],
    ['mysql://u:p\u0007w@h/db', /control character \(U\+0007\)/],
    ['mysql://u:p%00w@h/db', /control character \(U\+0000\) in the password/],
    ['mysql://u:p@h/d%0Ab', /control character \(U\+000A\) in the database name/],
    ['mysql://u:p@h:0/db', /port "0", not a number from 1 to 65535/],
    ['mysql://u:p@h:65536/db', /port "65536"/],
    ['mysql://u:p@h:33o6/db', /port "33o6"/],
    ['mysql://u:p@h/', /names no database/],
    ['mysql://u:p@/db', /names no host/],
    ['mysql://u:p@bad host/db', /host "bad host", not a host name/],
    ['oracle://u:p@h/db', /unsupported scheme "oracle:"/],
    ['sqlite:', /names no SQLite file/],
    ['just text', /is not of the form/],
  ])('%j is refused: %s', (url, reason) => {
    const reading = parseDataSourceUrl(url);
    expect(reading.ok).toBe(false);
    if (!reading.ok) {
      expect(reading.reason).toMatch(reason);
      // The reason never repeats the credential it found the problem in.
      expect(reading.reason).not.toContain('p\u0007w');
      expect(reading.reason).not.toContain('p%00w');
    }
  });

  test('text that is no valid URL is masked up to its last @', () => {
    expect(maskDataSourceUrl('mysq://reader:Top@Secret@db/x').url).toBe('mysq://reader:***@db/x');
    expect(maskDataSourceUrl('redis://:Red@is-pw@cache:6379').url).toBe('redis://:***@cache:6379');
  });
});

describe('data-source URLs on the machine', () => {
  let dir: string;
  let good: string;
  let appFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-url-'));
    good = join(dir, 'good.sqlite');
    appFile = join(dir, 'app.sqlite');
    for (const file of [good, appFile]) {
      const db = new Database(file);
      db.exec('CREATE TABLE t (id INTEGER)');
      db.close();
    }
    await mkdir(join(dir, 'folder.sqlite'));
    await writeFile(join(dir, 'text.sqlite'), 'not a database at all');
    await symlink(appFile, join(dir, 'app-link.sqlite'));
    await link(appFile, join(dir, 'app-hardlink.sqlite'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('openDataSource refuses what can never work, before any process or connection', () => {
    const open = (url: string) =>
      openDataSource(url, { logger: silentLogger, appDatabaseUrl: `sqlite:${appFile}` });
    for (const [url, reason] of [
      [`sqlite:${dir}/missing.sqlite`, /does not exist/],
      [`sqlite:${dir}/folder.sqlite`, /is a directory/],
      [`sqlite:${dir}/text.sqlite`, /is not a SQLite database/],
      [`sqlite:${dir}/go\u0000od.sqlite`, /control character/],
      [`sqlite:${appFile}`, /app database/],
      [`sqlite:${dir}/app-link.sqlite`, /app database/],
      [`sqlite:${dir}/app-hardlink.sqlite`, /app database/],
      ['mysql://u:p@localhost:3306/quarry', /app database/],
    ] as const) {
      const appDatabaseUrl = url.startsWith('mysql')
        ? 'mysql://other:pw@127.0.0.1/quarry'
        : `sqlite:${appFile}`;
      expect(() => openDataSource(url, { logger: silentLogger, appDatabaseUrl }), url).toThrowError(
        expect.objectContaining({
          code: 'INVALID_DATASOURCE_URL',
          message: expect.stringMatching(reason),
        }),
      );
    }
    const opened = open(`sqlite:${good}`);
    expect(opened.dialect).toBe('sqlite');
    return opened.close();
  });

  test('DATABASE_URL: a bad one stops the start with one line naming it', () => {
    const start = (env: Record<string, string>) => {
      try {
        parseConfig(env);
        return 'started';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(start({ DATABASE_URL: `sqlite:${dir}/missing.sqlite` })).toMatch(
      /^Invalid configuration: DATABASE_URL names .*missing\.sqlite, which does not exist/,
    );
    expect(start({ DATABASE_URL: `sqlite:${good}`, APP_DATABASE_URL: `sqlite:${good}` })).toMatch(
      /^Invalid configuration: DATABASE_URL is Quarry's own app database/,
    );
    expect(start({ DATABASE_URL: 'mysql://u:Se@cret@db:70000/x' })).toBe(
      'Invalid configuration: DATABASE_URL must be mysql://user:pass@host:port/db, postgres://user:pass@host:port/db or sqlite:<path>: the URL has the port "70000", not a number from 1 to 65535 (got "mysql://u:***@db:70000/x")',
    );
    expect(start({ DATABASE_URL: `sqlite:${good}` })).toBe('started');
  });
});

describe.each(BACKENDS)('the data-source API refuses unusable URLs on %s', (backend) => {
  let api: AdminApiHarness;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-url-api-'));
    await mkdir(join(dir, 'folder.sqlite'));
    api = await startAdminApi(backend, 'ds_urls', { testConnection: async () => undefined });
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('control characters, missing files, directories, bad ports and the app database are 400', async () => {
    const appDatabase =
      backend === 'sqlite'
        ? api.db.url
        : // The same server and database however the host is spelled, with any user.
          api.db.url.replace('root@127.0.0.1', 'someone:pw@localhost');
    for (const [url, reason] of [
      ['sqlite:/tmp/quarry\u0000.sqlite', /control character \(U\+0000\)/],
      ['sqlite:/tmp/quarry\u001b[2J.sqlite', /control character \(U\+001B\)/],
      [`sqlite:${dir}/missing.sqlite`, /does not exist/],
      [`sqlite:${dir}/folder.sqlite`, /is a directory/],
      ['mysql://u:p@db.example:99999/x', /port "99999"/],
      [appDatabase, /app database/],
    ] as const) {
      for (const [method, path, body] of [
        ['POST', '/api/datasources', { name: 'broken', url }],
        ['POST', '/api/datasources/test', { url }],
        ['PUT', '/api/datasources/default', { url }],
      ] as const) {
        const response = await api.request(method, path, { body });
        expect(response.status, `${method} ${path} ${JSON.stringify(url)}`).toBe(400);
        expect(response.body.error.code).toBe('INVALID_DATASOURCE_URL');
        expect(response.body.error.fields.url).toMatch(reason);
        // The console says it in the admin's language from the reason code.
        expect(response.body.error.reason).toEqual({
          code: 'invalid_datasource_url',
          params: { detail: expect.stringMatching(reason) },
        });
      }
    }
    expect((await api.request('GET', '/api/datasources/broken')).status).toBe(404);
  });
});
