import type { SqlDialect } from '../../ports.js';
import { assertReadOnlySql } from '../../sql/guard.js';
import type { PipelineDeps, SqlSample } from '../types.js';

/** Few-shot samples to show the model. */
const SAMPLE_LIMIT = 3;

/**
 * SQL pairs of the ask's data source and the instructions, fetched in parallel. A sample the
 * guard would refuse now (it reads a table or column an admin has since hidden) is left out,
 * so hidden names never reach the prompt through an example.
 */
export async function retrieveKnowledge(
  deps: PipelineDeps,
  input: { question: string; datasource: string; dialect: SqlDialect; signal: AbortSignal },
): Promise<{ samples: SqlSample[]; instructions: string[] }> {
  const [samples, instructions, rules] = await Promise.all([
    deps.retrieval.sqlSamples(input.datasource, input.question, SAMPLE_LIMIT, input.signal),
    deps.retrieval.instructions(input.question),
    deps.accessRules(input.datasource),
  ]);
  const allowed = samples.filter((sample) => {
    try {
      assertReadOnlySql(sample.sql, input.dialect, rules);
      return true;
    } catch {
      return false;
    }
  });
  return { samples: allowed, instructions };
}
