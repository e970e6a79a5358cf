import type { SqlDialect } from '../../ports.js';
import { isoDate, streamText } from '../modelText.js';
import { generationPrompt } from '../prompts/generation.js';
import type { Emit, PipelineDeps, SqlSample } from '../types.js';

export interface GenerationInput {
  question: string;
  dialect: SqlDialect;
  ddl: string;
  samples?: readonly SqlSample[];
  instructions?: readonly string[];
  sqlFunctions?: string;
  reasoning?: string;
  semantics?: { calculatedFields: boolean; metrics: boolean };
  emit: Emit;
  signal: AbortSignal;
}

/**
 * Streams the model's answer, emitting each delta as it arrives (the user watches the SQL
 * being written), and returns the whole raw text.
 */
export async function generateSql(deps: PipelineDeps, input: GenerationInput): Promise<string> {
  const messages = generationPrompt({
    question: input.question,
    dialect: input.dialect,
    ddl: input.ddl,
    today: isoDate(deps.now()),
    ...(input.samples ? { samples: input.samples } : {}),
    ...(input.instructions ? { instructions: input.instructions } : {}),
    ...(input.sqlFunctions ? { sqlFunctions: input.sqlFunctions } : {}),
    ...(input.reasoning ? { reasoning: input.reasoning } : {}),
    ...(input.semantics ? { semantics: input.semantics } : {}),
  });
  const raw = await streamText(deps.llm, { messages, signal: input.signal }, (delta, sql) =>
    input.emit({ type: 'sql_chunk', delta, sql }),
  );
  input.emit({ type: 'generated', raw });
  return raw;
}
