import { type FailedSql, isoDate } from '../modelText.js';
import { correctionPrompt } from '../prompts/correction.js';
import type { PipelineDeps } from '../types.js';

/** One correction round: the model rewrites failed SQL given the error; returns its raw answer. */
export async function correctSql(
  deps: PipelineDeps,
  input: FailedSql & { diagnosis?: string; signal: AbortSignal },
): Promise<string> {
  const messages = correctionPrompt({
    question: input.question,
    dialect: input.dialect,
    ddl: input.ddl,
    sql: input.sql,
    error: input.error,
    today: isoDate(deps.now()),
    ...(input.diagnosis ? { diagnosis: input.diagnosis } : {}),
  });
  return deps.llm.complete({ messages, signal: input.signal });
}
