import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataSource } from '../../../server/src/datasources/index.js';
import { ensureDemoDatabase } from '../../../server/src/demo/build.js';
import { createLogger } from '../../../server/src/logger.js';
import type { DataSource, TableInfo } from '../../../server/src/ports.js';
import { createRetrievalService } from '../../../server/src/retrieval/retrievalService.js';

describe('sample values of low-cardinality columns', () => {
  let dir: string;
  let demo: DataSource;
  let tables: TableInfo[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-samples-'));
    const logger = createLogger('silent');
    demo = openDataSource(await ensureDemoDatabase(join(dir, 'demo.sqlite')), { logger });
    tables = await demo.describe();
  });
  afterAll(async () => {
    await demo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('are read once, not again at every knowledge revision', async () => {
    let revision = 1;
    const sampled: string[] = [];
    // The real demo database, with its sampleValues calls counted.
    const counted: DataSource = {
      ...demo,
      dialect: demo.dialect,
      sampleValues: (table, column, limit) => {
        sampled.push(`${table}.${column}`);
        return demo.sampleValues(table, column, limit);
      },
    };
    const retrieval = createRetrievalService({
      sources: {
        knowledge: async () => ({
          revision,
          sqlPairs: [],
          instructions: [],
          descriptions: () => [],
        }),
        tables: async () => tables,
        dataSource: async () => counted,
      },
      logger: createLogger('silent'),
    });

    const first = await retrieval.schema('default', 'projects by status', 8);
    expect(first.map((table) => table.name)).toContain('projects');
    const status = first
      .find((table) => table.name === 'projects')
      ?.columns.find((column) => column.name === 'status');
    expect(status?.comment).toMatch(/values: .*进行中/);
    const reads = sampled.length;
    expect(reads).toBeGreaterThan(0);

    revision = 2; // an admin edited an instruction
    const again = await retrieval.schema('default', 'projects by status', 8);
    expect(again.map((table) => table.name)).toContain('projects');
    expect(sampled).toHaveLength(reads);
  });
});
