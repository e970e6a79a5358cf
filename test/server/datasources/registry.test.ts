import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSourceRegistry } from '../../../server/src/datasources/registry.js';
import { ensureDemoDatabase } from '../../../server/src/demo/build.js';
import { createLogger } from '../../../server/src/logger.js';
import { failure } from './behaviour.js';

const logger = createLogger('silent');
const LIMITS = { rowLimit: 10, timeoutMs: 10_000 };

describe('data source registry', () => {
  let dir: string;
  let firstUrl: string;
  let secondUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-registry-'));
    firstUrl = await ensureDemoDatabase(join(dir, 'first.sqlite'));
    await copyFile(join(dir, 'first.sqlite'), join(dir, 'second.sqlite'));
    secondUrl = `sqlite:${join(dir, 'second.sqlite')}`;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A registry over a mutable name → URL table, counting lookups. */
  function registryOver(urls: Record<string, string>) {
    const lookups: string[] = [];
    const registry = createDataSourceRegistry({
      resolveUrl: async (name) => {
        lookups.push(name);
        return urls[name];
      },
      logger,
    });
    return { registry, lookups };
  }

  it('opens a name once and hands out the same data source', async () => {
    const { registry, lookups } = registryOver({ demo: firstUrl });
    try {
      const [a, b] = await Promise.all([registry.get('demo'), registry.get('demo')]);
      const c = await registry.get('demo');
      expect(a).toBe(b);
      expect(a).toBe(c);
      expect(lookups).toEqual(['demo', 'demo', 'demo']);
      expect((await a.execute('SELECT COUNT(*) AS n FROM projects', LIMITS)).rows).toEqual([
        { n: 16 },
      ]);
    } finally {
      await registry.closeAll();
    }
  });

  it('reopens a name whose URL changed and closes the old one', async () => {
    const urls: Record<string, string> = { demo: firstUrl };
    const { registry } = registryOver(urls);
    try {
      const before = await registry.get('demo');
      await before.execute('SELECT 1 AS one', LIMITS);
      urls.demo = secondUrl;
      const after = await registry.get('demo');
      expect(after).not.toBe(before);
      expect((await after.execute('SELECT 1 AS one', LIMITS)).rows).toEqual([{ one: 1 }]);
      expect((await failure(before.execute('SELECT 1', LIMITS))).code).toBe(
        'DATASOURCE_UNAVAILABLE',
      );
    } finally {
      await registry.closeAll();
    }
  });

  it('says which name is unknown, and drops a name that disappeared', async () => {
    const urls: Record<string, string> = { demo: firstUrl };
    const { registry } = registryOver(urls);
    try {
      const missing = await failure(registry.get('warehouse'));
      expect(missing.code).toBe('DATASOURCE_NOT_FOUND');
      expect(missing.message).toBe("No data source named 'warehouse'.");
      const opened = await registry.get('demo');
      delete urls.demo;
      expect((await failure(registry.get('demo'))).code).toBe('DATASOURCE_NOT_FOUND');
      expect((await failure(opened.execute('SELECT 1', LIMITS))).code).toBe(
        'DATASOURCE_UNAVAILABLE',
      );
    } finally {
      await registry.closeAll();
    }
  });

  it('closes everything on closeAll and reopens on the next get', async () => {
    const { registry } = registryOver({ demo: firstUrl, copy: secondUrl });
    const reopened = await registry.get('demo');
    const copy = await registry.get('copy');
    await registry.closeAll();
    for (const closed of [reopened, copy]) {
      expect((await failure(closed.execute('SELECT 1', LIMITS))).code).toBe(
        'DATASOURCE_UNAVAILABLE',
      );
    }
    const fresh = await registry.get('demo');
    expect(fresh).not.toBe(reopened);
    await registry.closeAll();
  });
});
