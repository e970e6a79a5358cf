import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../server/src/config.js';
import { createOpenAiClient, OPENAI_DEFAULT_MODEL } from '../../../server/src/llm/openaiClient.js';
import { createLogger } from '../../../server/src/logger.js';
import { embedText, type FakeOpenAI, startFakeOpenAI } from '../../fakes/openaiServer.js';
import { collect, failure, llmConfig, question } from './support.js';

const logger = createLogger('silent');
let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI({ models: ['qwen2.5-coder', 'nomic-embed-text'] });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setModels(['qwen2.5-coder', 'nomic-embed-text']);
});

function client(overrides: Partial<Config['llm']> = {}) {
  return createOpenAiClient({ config: llmConfig(fake.baseUrl, overrides), logger });
}

describe('configuration', () => {
  const nothing: Config['llm'] = {
    apiKey: undefined,
    baseUrl: undefined,
    model: undefined,
    embeddingModel: 'text-embedding-3-small',
    timeoutMs: 2000,
    maxRetries: 1,
  };

  it('constructs without a model but fails every call with LLM_NOT_CONFIGURED', async () => {
    const unconfigured = createOpenAiClient({ config: nothing, logger });
    const calls = [
      unconfigured.complete({ messages: question }),
      collect(unconfigured.stream({ messages: question })),
      unconfigured.embed(['orders']),
      unconfigured.model(),
    ];
    for (const call of calls) {
      const error = await failure(call);
      expect(error.code).toBe('LLM_NOT_CONFIGURED');
      expect(error.message).toContain('set OPENAI_API_KEY');
      expect(error.message).toContain('OPENAI_BASE_URL');
    }
  });

  it('talks to OpenAI with its usual small model when only a key is set', async () => {
    const openai = createOpenAiClient({
      config: { ...nothing, apiKey: 'sk-test-secret' },
      logger,
    });
    await expect(openai.model()).resolves.toBe(OPENAI_DEFAULT_MODEL);
  });

  it('sends a placeholder key to a keyless endpoint such as Ollama', async () => {
    fake.enqueue('SELECT 1');
    await expect(client({ apiKey: undefined }).complete({ messages: question })).resolves.toBe(
      'SELECT 1',
    );
  });

  it('picks the first listed model once and shares the list between concurrent calls', async () => {
    fake.onChat((request) => `SELECT '${request.model}'`);
    const auto = client({ model: undefined });
    const replies = await Promise.all([
      auto.complete({ messages: question }),
      auto.complete({ messages: question }),
      collect(auto.stream({ messages: question })).then((deltas) => deltas.join('')),
    ]);
    await auto.complete({ messages: question });
    expect(replies).toEqual(Array(3).fill("SELECT 'qwen2.5-coder'"));
    await expect(auto.model()).resolves.toBe('qwen2.5-coder');
    expect(fake.modelListRequests).toBe(1);
    expect(fake.chatRequests.map((request) => request.model)).toEqual(
      Array(4).fill('qwen2.5-coder'),
    );
  });

  it('asks for LLM_MODEL when the endpoint lists no models', async () => {
    fake.setModels([]);
    const error = await failure(client({ model: undefined }).complete({ messages: question }));
    expect(error.code).toBe('LLM_NOT_CONFIGURED');
    expect(error.message).toContain('set LLM_MODEL');
    expect(fake.chatRequests).toHaveLength(0);
  });

  it('logs each call at debug with duration and size, never the key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const debugLogger = pino({ level: 'debug' }, sink);
    fake.enqueue('SELECT 42', 'SELECT 43');
    const logged = createOpenAiClient({ config: llmConfig(fake.baseUrl), logger: debugLogger });
    await logged.complete({ messages: question });
    await collect(logged.stream({ messages: question }));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const calls = entries.filter((entry) => entry.msg === 'completion');
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ model: 'fake-model', chars: 9, level: 20 });
    expect(typeof calls[0]?.durationMs).toBe('number');
    expect(calls[1]).toMatchObject({ stream: true, chars: 9 });
    expect(lines.join('')).not.toContain('sk-test-secret');
  });
});

describe('embed', () => {
  it('returns one vector per text, in input order', async () => {
    const texts = ['orders by month', '每个部门的员工数量', '', 'revenue per region'];
    const vectors = await client().embed(texts);
    expect(vectors).toHaveLength(4);
    vectors.forEach((vector, i) => {
      expect(vector).toHaveLength(64);
      expect(vector).toEqual(embedText(texts[i] ?? '', 64));
    });
    expect(fake.embeddingRequests).toEqual([texts]);
  });

  it('sends long lists in batches and keeps the order across them', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `table number ${i} column ${i * 7}`);
    const vectors = await client().embed(texts);
    expect(fake.embeddingRequests.map((batch) => batch.length)).toEqual([64, 64, 22]);
    expect(vectors).toHaveLength(150);
    expect(vectors[149]).toEqual(embedText(texts[149] ?? '', 64));
    expect(vectors[70]).toEqual(embedText(texts[70] ?? '', 64));
  });

  it('makes no request for no texts, and wants EMBEDDING_MODEL', async () => {
    await expect(client().embed([])).resolves.toEqual([]);
    const error = await failure(client({ embeddingModel: undefined }).embed(['orders']));
    expect(error.code).toBe('LLM_NOT_CONFIGURED');
    expect(error.message).toContain('set EMBEDDING_MODEL');
    expect(fake.embeddingRequests).toHaveLength(0);
  });
});
