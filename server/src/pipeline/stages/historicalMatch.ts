import type { PipelineDeps } from '../types.js';

/**
 * A question asked before whose SQL was verified (a SQL pair, or an up-voted standalone ask)
 * needs no model: its SQL goes straight to execution. The store normalizes case, width,
 * punctuation and spaces. A follow-up in a thread with earlier turns means what its thread
 * makes of it, so it is never matched on its words alone.
 */
export async function findHistoricalSql(
  deps: PipelineDeps,
  input: { question: string; datasource: string; threadId?: string; askId: string },
): Promise<string | undefined> {
  if (input.threadId) {
    const earlier = await deps.knowledge.threadTurns(input.threadId, 1, input.askId);
    if (earlier.length > 0) return undefined;
  }
  return deps.knowledge.findVerifiedSql(input.question, input.datasource);
}
