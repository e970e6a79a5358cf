import { isoDate, streamText } from '../modelText.js';
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
  const messages = reasoningPrompt({
    question: input.question,
    ddl: input.ddl,
    instructions: input.instructions,
    today: isoDate(deps.now()),
  });
  const reasoning = await streamText(deps.llm, { messages, signal: input.signal }, (delta, text) =>
    input.emit({ type: 'reasoning_chunk', delta, reasoning: text }),
  );
  return reasoning.trim();
}
