import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REWRITE_EXAMPLE } from '../../admin/src/features/dictionaries/example.js';
import { demoSql } from '../../server/src/demo/build.js';
import { ADMIN_HEADERS } from '../support/adminToken.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';
import { startTestQuarry } from '../support/quarry.js';

describe("the demo's dictionaries and descriptions", () => {
  let dir: string;
  let company: TestDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-demo-knowledge-'));
    company = await createTestDatabase('demo_knowledge', await demoSql());
  });
  afterAll(async () => {
    await company?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /** One start of the server on the same app database; `check` runs while it is up. */
  async function withServer(
    env: Record<string, string>,
    check: (baseUrl: string) => Promise<void>,
  ) {
    const quarry = await startTestQuarry({
      APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
      ...env,
    });
    try {
      await check(quarry.baseUrl);
    } finally {
      await quarry.close();
    }
  }
  const entries = async (baseUrl: string, kind: string) =>
    (
      (await (
        await fetch(`${baseUrl}/api/dictionaries/${kind}/export?format=json`, {
          headers: ADMIN_HEADERS,
        })
      ).json()) as { abbreviation: string; full_name: string }[]
    ).map((entry) => `${entry.abbreviation}=${entry.full_name}`);
  const descriptions = async (baseUrl: string) =>
    (await (
      await fetch(`${baseUrl}/api/datasources/default/descriptions`, { headers: ADMIN_HEADERS })
    ).json()) as { items?: unknown[] } | unknown[];

  it('are seeded on the demo and leave with it, keeping what an admin changed', async () => {
    let seededCount = 0;
    await withServer({}, async (baseUrl) => {
      const departments = await entries(baseUrl, 'department');
      expect(departments).toContain('RD=研发中心');
      expect(departments).toContain('SALES=销售部');
      seededCount = departments.length;
      expect(JSON.stringify(await descriptions(baseUrl))).toContain('组织架构');
      // An admin renames one entry and adds their own.
      const list = (await (
        await fetch(`${baseUrl}/api/dictionaries/department?q=MKT`, { headers: ADMIN_HEADERS })
      ).json()) as { items: { id: number }[] };
      const mkt = list.items[0]?.id;
      for (const [method, path, body] of [
        [
          'PUT',
          `/api/dictionaries/department/${mkt}`,
          { abbreviation: 'MKT', full_name: '品牌市场部' },
        ],
        ['POST', '/api/dictionaries/department', { abbreviation: 'BD', full_name: '商务拓展部' }],
      ] as const) {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: ADMIN_HEADERS,
          body: JSON.stringify(body),
        });
        expect(response.ok, await response.clone().text()).toBe(true);
      }
    });
    expect(seededCount).toBeGreaterThan(5);

    // The company's own database: the demo's entries would rewrite its literals.
    await withServer({ DATABASE_URL: company.url }, async (baseUrl) => {
      expect((await entries(baseUrl, 'department')).sort()).toEqual(
        ['BD=商务拓展部', 'MKT=品牌市场部'].sort(),
      );
      expect(await entries(baseUrl, 'project')).toEqual([]);
      expect(JSON.stringify(await descriptions(baseUrl))).not.toContain('组织架构');
    });

    // Back on the demo, it has its dictionaries again.
    await withServer({}, async (baseUrl) => {
      expect(await entries(baseUrl, 'department')).toContain('RD=研发中心');
    });
  });
});

describe('the console\'s dictionary "Try it" example', () => {
  it('runs on the demo company once the demo dictionary rewrote it', async () => {
    const quarry = await startTestQuarry();
    try {
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${quarry.baseUrl}${path}`, {
          method: 'POST',
          headers: ADMIN_HEADERS,
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(200);
        return response.json();
      };
      const { sql } = (await post('/api/dictionaries/preview', { sql: REWRITE_EXAMPLE })) as {
        sql: string;
      };
      expect(sql).toContain("'人力资源部'");
      const result = (await post('/api/datasources/default/preview', { sql })) as {
        rows: unknown[];
      };
      expect(result.rows.length).toBeGreaterThan(0);
    } finally {
      await quarry.close();
    }
  });
});
