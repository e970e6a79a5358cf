import { isoDate, streamText } from '../modelText.js';
import { type GenerationPromptInput, generationPrompt } from '../prompts/generation.js';
import type { Emit, PipelineDeps } from '../types.js';

/** What the prompt needs, except today's date: the stage reads that from the clock. */
export type GenerationInput = Omit<GenerationPromptInput, 'today'> & {
  emit: Emit;
  signal: AbortSignal;
};

/**
 * Streams the model's answer, emitting each delta as it arrives (the user watches the SQL
 * being written), and returns the whole raw text.
 */
export async function generateSql(deps: PipelineDeps, input: GenerationInput): Promise<string> {
  const { emit, signal, ...prompt } = input;
  const messages = generationPrompt({ ...prompt, today: isoDate(deps.now()) });
  const raw = await streamText(deps.llm, { messages, signal }, (delta, sql) =>
    emit({ type: 'sql_chunk', delta, sql }),
  );
  emit({ type: 'generated', raw });
  return raw;
}
