import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_TOKEN_DIGEST_SETTING,
  ADMIN_TOKEN_SETTING,
  ensureAdminToken,
} from '../../../server/src/api/adminToken.js';
import { tokenDigest } from '../../../server/src/http/auth.js';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { ADMIN_TOKEN } from '../../support/adminToken.js';
import { BACKENDS, createAppDatabase, silentLogger } from '../knowledge/appDatabase.js';
import { type AdminApiHarness, startAdminApi } from './apiHarness.js';

const WRITES: Array<[string, string, unknown]> = [
  ['POST', '/api/sql-pairs', { question: 'How many orders?', sql: 'SELECT COUNT(*) FROM orders' }],
  ['POST', '/api/instructions', { text: 'Use UTC.', scope: 'global', questions: [] }],
  ['POST', '/api/dictionaries/department', { abbreviation: 'RD', full_name: 'Research' }],
  ['POST', '/api/dictionaries/project', { abbreviation: 'AP', full_name: 'Apollo' }],
  ['POST', '/api/datasources', { name: 'sales', url: 'sqlite:/tmp/sales.sqlite' }],
  ['PUT', '/api/sql-pairs/1', { question: 'changed', sql: 'SELECT 2' }],
  ['DELETE', '/api/dictionaries/department/1', undefined],
  ['DELETE', '/api/datasources/default', undefined],
  ['POST', '/api/asks/x/feedback', { rating: 'up' }],
];

describe.each(BACKENDS)('admin API authentication on %s', (backend) => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await startAdminApi(backend, 'auth');
    await api.store.sqlPairs.create({ question: 'kept', sql: 'SELECT 1', datasource: 'default' });
    await api.store.dictionaries.department.create({
      abbreviation: 'HR',
      full_name: 'Human Resources',
    });
    await api.store.datasources.ensureDefault('sqlite:/tmp/default.sqlite');
  });
  afterAll(async () => {
    await api?.close();
  });

  test.each([
    ['no Authorization header', null],
    ['a wrong token', 'wrong-token-wrong-token-wrong-token'],
    ['the token with one character changed', `${ADMIN_TOKEN.slice(0, -1)}X`],
    ['an empty bearer', ''],
  ])('%s gets 401 on every route and changes nothing', async (_label, token) => {
    const revision = await api.store.revision();
    for (const [method, path, body] of WRITES) {
      const response = await api.request(method, path, { body, token });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.body.error.code).toBe('UNAUTHORIZED');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    for (const path of ['/api/sql-pairs', '/api/asks', '/api/session', '/api/nowhere']) {
      expect((await api.request('GET', path, { token })).status).toBe(401);
    }
    expect(await api.store.revision()).toBe(revision);
    expect((await api.store.sqlPairs.list()).items.map((pair) => pair.question)).toEqual(['kept']);
    expect((await api.store.dictionaries.department.list()).total).toBe(1);
    expect((await api.store.dictionaries.project.list()).total).toBe(0);
    expect((await api.store.instructions.list()).total).toBe(0);
    expect((await api.store.datasources.list()).items.map((ds) => ds.name)).toEqual(['default']);
  });

  test('a CSV import without the token is refused before the body is read', async () => {
    const response = await api.request('POST', '/api/sql-pairs/import', {
      raw: 'question,sql\nsneaky,SELECT 1\n',
      token: null,
    });
    expect(response.status).toBe(401);
    expect((await api.store.sqlPairs.list()).total).toBe(1);
  });

  test('GET /api/session answers ok for the right token; unknown routes are 404', async () => {
    expect((await api.request('GET', '/api/session')).body).toEqual({ ok: true });
    const missing = await api.request('GET', '/api/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  test('malformed JSON is a 400 naming the body', async () => {
    const response = await api.request('POST', '/api/sql-pairs', {
      raw: '{"question": ',
      contentType: 'application/json',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { body: expect.any(String) },
    });
  });
});

describe.each(BACKENDS)('ensureAdminToken on %s', (backend) => {
  test('configured wins; otherwise generated once, printed once, and shared by every process', async () => {
    const db = await createAppDatabase(backend, 'token');
    const first = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    const second = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    try {
      const printed: string[] = [];
      const print = (line: string) => printed.push(line);

      expect(await ensureAdminToken(first, 'configured-token-123456', print)).toBe(
        tokenDigest('configured-token-123456'),
      );
      expect(printed).toEqual([]);
      expect(await first.settings.get(ADMIN_TOKEN_DIGEST_SETTING)).toBeUndefined();

      const [a, b] = await Promise.all([
        ensureAdminToken(first, undefined, print),
        ensureAdminToken(second, undefined, print),
      ]);
      expect(a).toBe(b);
      expect(printed).toHaveLength(1);
      const token = /: (\S+)$/.exec(printed[0] ?? '')?.[1] ?? '';
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(printed[0]).toMatch(/only its hash is stored/);
      // The app database knows the token only by its digest.
      expect(a).toBe(tokenDigest(token));
      expect(await first.settings.get(ADMIN_TOKEN_DIGEST_SETTING)).toBe(a);
      expect(await first.settings.get(ADMIN_TOKEN_SETTING)).toBeUndefined();

      expect(await ensureAdminToken(second, undefined, print)).toBe(a);
      expect(printed).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
      await db.drop();
    }
  });
});

describe.each(BACKENDS)('a plain-text admin token left by an older release on %s', (backend) => {
  test('is replaced by its digest at start and keeps working', async () => {
    const db = await createAppDatabase(backend, 'legacy_token');
    const store = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    try {
      await store.settings.set(ADMIN_TOKEN_SETTING, 'legacy-token-0123456789abcdef');
      const printed: string[] = [];
      const digest = await ensureAdminToken(store, undefined, (line) => printed.push(line));
      expect(digest).toBe(tokenDigest('legacy-token-0123456789abcdef'));
      expect(printed).toEqual([]);
      expect(await store.settings.get(ADMIN_TOKEN_SETTING)).toBeUndefined();
      expect(await store.settings.get(ADMIN_TOKEN_DIGEST_SETTING)).toBe(digest);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
