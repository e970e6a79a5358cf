import type { PipelineDeps, SqlSample } from '../types.js';

/** Few-shot samples to show the model. */
const SAMPLE_LIMIT = 3;

/** SQL pairs and instructions, fetched in parallel. */
export async function retrieveKnowledge(
  deps: PipelineDeps,
  input: { question: string; signal: AbortSignal },
): Promise<{ samples: SqlSample[]; instructions: string[] }> {
  const [samples, instructions] = await Promise.all([
    deps.retrieval.sqlSamples(input.question, SAMPLE_LIMIT, input.signal),
    deps.retrieval.instructions(input.question),
  ]);
  return { samples, instructions };
}
