import { isoDate } from '../modelText.js';
import { reasoningPrompt } from '../prompts/reasoning.js';
import type { Emit, PipelineDeps } from '../types.js';

/** A short plan, streamed so the user sees the model think before the SQL appears. */
export async function planSql(
  deps: PipelineDeps,
  input: {
    question: string;
    ddl: string;
    instructions: readonly string[];
    emit: Emit;
    signal: AbortSignal;
  },
): Promise<string> {
  let reasoning = '';
  const messages = reasoningPrompt({
    question: input.question,
    ddl: input.ddl,
    instructions: input.instructions,
    today: isoDate(deps.now()),
  });
  for await (const delta of deps.llm.stream({ messages, signal: input.signal })) {
    reasoning += delta;
    input.emit({ type: 'reasoning_chunk', delta, reasoning });
  }
  return reasoning.trim();
}
