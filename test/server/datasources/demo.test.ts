import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { demoSql, ensureDemoDatabase } from '../../../server/src/demo/build.js';
import { renderDemoSql } from '../../../server/src/demo/demoData.js';
import { demoDescriptions } from '../../../server/src/demo/descriptions.js';
import { createLogger } from '../../../server/src/logger.js';

const logger = createLogger('silent');

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    return rows.pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('demo database', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-demo-'));
    path = join(dir, 'nested', 'demo.sqlite');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('ships the SQL its generator prints, under 600 KB', async () => {
    const sql = await demoSql();
    expect(sql).toBe(renderDemoSql());
    expect(Buffer.byteLength(sql)).toBeLessThan(600 * 1024);
  });

  it('builds once, then leaves an up-to-date file alone', async () => {
    const url = await ensureDemoDatabase(path);
    expect(url).toBe(`sqlite:${path}`);
    expect(tables(path)).toEqual([
      'departments', 'employees', 'expenses', 'projects', 'sales', 'timesheets',
    ]); // biome-ignore format: one line
    const built = await stat(path);
    expect(await ensureDemoDatabase(path)).toBe(url);
    const again = await stat(path);
    expect(again.ino).toBe(built.ino);
    expect(again.mtimeMs).toBe(built.mtimeMs);
  });

  it('rebuilds when the SQL changes, and when the file is not a database', async () => {
    await ensureDemoDatabase(path, { sql: 'CREATE TABLE alpha (id INTEGER);' });
    expect(tables(path)).toEqual(['alpha']);
    await ensureDemoDatabase(path, { sql: 'CREATE TABLE beta (id INTEGER);' });
    expect(tables(path)).toEqual(['beta']);
    const built = await stat(path);
    await ensureDemoDatabase(path, { sql: 'CREATE TABLE beta (id INTEGER);' });
    expect((await stat(path)).ino).toBe(built.ino);
    await writeFile(path, 'not a database');
    await ensureDemoDatabase(path, { sql: 'CREATE TABLE beta (id INTEGER);' });
    expect(tables(path)).toEqual(['beta']);
  });

  it('survives concurrent starts and leaves no temporary files', async () => {
    const urls = await Promise.all([1, 2, 3].map(() => ensureDemoDatabase(path)));
    expect(new Set(urls).size).toBe(1);
    expect(await readdir(join(dir, 'nested'))).toEqual(['demo.sqlite']);
    expect(tables(path)).toHaveLength(6);
  });

  it('leaves no half-built file when the SQL is broken', async () => {
    await expect(ensureDemoDatabase(path, { sql: 'CREATE TABLE oops (' })).rejects.toThrow();
    expect(await readdir(join(dir, 'nested'))).toEqual([]);
  });

  it('describes every table and column of the demo schema', async () => {
    const source = openDataSource(await ensureDemoDatabase(path), { logger });
    try {
      const schema = await source.describe();
      expect(Object.keys(demoDescriptions).sort()).toEqual(schema.map((table) => table.name));
      for (const table of schema) {
        const described = demoDescriptions[table.name];
        expect(Object.keys(described?.columns ?? {}), table.name).toEqual(
          table.columns.map((column) => column.name),
        );
      }
    } finally {
      await source.close();
    }
  });
});
