import type { PipelineDeps } from '../types.js';

/**
 * A question asked before whose SQL was verified (a SQL pair, or an up-voted ask) needs no
 * model: its SQL goes straight to execution. The store normalizes case, width, punctuation
 * and spaces.
 */
export async function findHistoricalSql(
  deps: PipelineDeps,
  input: { question: string; datasource: string },
): Promise<string | undefined> {
  return deps.knowledge.findVerifiedSql(input.question, input.datasource);
}
