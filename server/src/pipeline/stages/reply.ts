import type { Intent } from '@quarry/shared';
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
  let reply = '';
  const messages = replyPrompt({
    question: input.question,
    intent: input.intent,
    tableNames: input.tableNames,
  });
  for await (const delta of deps.llm.stream({ messages, temperature: 0.3, signal: input.signal })) {
    reply += delta;
    input.emit({ type: 'reply_chunk', delta, reply });
  }
  return reply.trim();
}
