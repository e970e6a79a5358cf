import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer';
import { openDataSource } from '../server/src/datasources/index.js';
import { ensureDemoDatabase } from '../server/src/demo/build.js';
import { demoDescriptions } from '../server/src/demo/descriptions.js';
import {
  demoCalculatedFields,
  demoMetrics,
  demoRelationships,
  demoSemanticQuestions,
} from '../server/src/demo/semantics.js';
import type { SemanticDefinitions } from '../server/src/knowledge/port.js';
import { createLogger } from '../server/src/logger.js';
import { generationPrompt } from '../server/src/pipeline/prompts/generation.js';
import { sqlFunctionsFor } from '../server/src/pipeline/prompts/sqlFunctions.js';
import { renderDdl } from '../server/src/pipeline/schemaText.js';
import type { TableInfo } from '../server/src/ports.js';
import { createRetrievalService } from '../server/src/retrieval/retrievalService.js';
import { withSemantics } from '../server/src/semantics/view.js';
import { percentile } from './stats.js';

/** Questions about the demo company that need no semantic layer, for the other half of the mix. */
const PLAIN_QUESTIONS = [
  'RD部门有多少员工?',
  '每个城市有多少员工？',
  'How many projects does each department run?',
  '2026年报销金额最高的十名员工',
];

const stamp = '2026-01-01T00:00:00.000Z';

/**
 * Generation-prompt tokens (o200k) per ask on the demo company, with its semantic layer on
 * and off: the same retrieval (descriptions and sample values included) and prompt the server
 * builds, over the demo's questions that need the layer and some that don't.
 */
export async function measureSemanticPromptSize(maxTables = 8) {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-bench-semantics-'));
  const logger = createLogger('silent');
  const source = openDataSource(await ensureDemoDatabase(join(dir, 'demo.sqlite')), { logger });
  try {
    const tables = await source.describe();
    const metrics = [];
    for (const [index, metric] of demoMetrics.entries()) {
      const { columns } = await source.execute(metric.sql, { rowLimit: 1, timeoutMs: 10_000 });
      metrics.push({
        ...metric,
        id: index + 1,
        columns: columns.map((name) => ({ name, type: 'TEXT' })),
        problem: null,
        problem_reason: null,
        created_at: stamp,
        updated_at: stamp,
      });
    }
    const definitions: SemanticDefinitions = {
      relationships: demoRelationships.map((r, index) => ({
        ...r,
        id: index + 1,
        source: 'defined' as const,
        problem: null,
        problem_reason: null,
        created_at: stamp,
        updated_at: stamp,
      })),
      calculatedFields: demoCalculatedFields.map((f, index) => ({
        ...f,
        id: index + 1,
        problem: null,
        problem_reason: null,
        created_at: stamp,
        updated_at: stamp,
      })),
      metrics,
    };
    const descriptions = Object.entries(demoDescriptions).flatMap(([table, d]) => [
      { table, column: null, description: d.description },
      ...Object.entries(d.columns).map(([column, description]) => ({ table, column, description })),
    ]);
    const measure = async (shown: TableInfo[]) => {
      const retrieval = createRetrievalService({
        sources: {
          knowledge: async () => ({
            revision: 0,
            sqlPairs: [],
            instructions: [],
            descriptions: () => descriptions,
          }),
          tables: async () => shown,
          dataSource: async () => source,
        },
        logger,
      });
      const sizes: number[] = [];
      for (const question of [...demoSemanticQuestions, ...PLAIN_QUESTIONS]) {
        const retrieved = await retrieval.schema('default', question, maxTables);
        const messages = generationPrompt({
          question,
          dialect: 'sqlite',
          ddl: renderDdl(retrieved, 'sqlite'),
          today: '2026-11-21',
          sqlFunctions: sqlFunctionsFor('sqlite'),
          semantics: {
            calculatedFields: retrieved.some((t) => t.columns.some((c) => c.calculated)),
            metrics: retrieved.some((t) => t.metric !== undefined),
          },
        });
        sizes.push(messages.reduce((sum, message) => sum + countTokens(message.content), 0));
      }
      return { median: percentile(sizes, 50), p95: percentile(sizes, 95) };
    };
    return {
      questions: demoSemanticQuestions.length + PLAIN_QUESTIONS.length,
      off: await measure(tables),
      on: await measure(withSemantics(tables, definitions)),
    };
  } finally {
    await source.close();
    await rm(dir, { recursive: true, force: true });
  }
}
