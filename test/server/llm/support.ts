import type { Config } from '../../../server/src/config.js';
import { isQuarryError, type QuarryError } from '../../../server/src/errors.js';
import type { ChatMessage } from '../../../server/src/ports.js';

/** An LLM configuration pointing at `baseUrl`, with short time-outs and one retry. */
export function llmConfig(baseUrl: string, overrides: Partial<Config['llm']> = {}): Config['llm'] {
  return {
    apiKey: 'sk-test-secret',
    baseUrl,
    model: 'fake-model',
    embeddingModel: 'fake-embedding',
    timeoutMs: 2000,
    maxRetries: 1,
    ...overrides,
  };
}

/** The QuarryError a promise rejects with; fails the test when it resolves or throws another. */
export async function failure(promise: Promise<unknown>): Promise<QuarryError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isQuarryError(error)) throw new Error(`expected a QuarryError, got ${String(error)}`);
  return error;
}

export async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

export const question: ChatMessage[] = [
  { role: 'system', content: 'You write SQL.' },
  { role: 'user', content: 'How many orders?' },
];
