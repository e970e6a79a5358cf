import type { Intent } from '@quarry/shared';
import { streamText } from '../modelText.js';
import { replyPrompt } from '../prompts/reply.js';
import type { Emit, PipelineDeps } from '../types.js';

/** A streamed answer for a greeting, a how-to or an off-topic question: no SQL is written. */
export async function replyWithoutSql(
  deps: PipelineDeps,
  input: {
    question: string;
    intent: Exclude<Intent, 'TEXT_TO_SQL'>;
    tableNames: readonly string[];
    emit: Emit;
    signal: AbortSignal;
  },
): Promise<string> {
  const messages = replyPrompt({
    question: input.question,
    intent: input.intent,
    tableNames: input.tableNames,
  });
  const reply = await streamText(
    deps.llm,
    { messages, temperature: 0.3, signal: input.signal },
    (delta, text) => input.emit({ type: 'reply_chunk', delta, reply: text }),
  );
  return reply.trim();
}
