import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../server/src/config.js';
import { createOpenAiClient } from '../../../server/src/llm/openaiClient.js';
import { createLogger } from '../../../server/src/logger.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openaiServer.js';
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

describe('complete', () => {
  it('returns the whole reply and sends the messages, temperature 0 and the model', async () => {
    fake.enqueue('SELECT COUNT(*) FROM orders');
    await expect(client().complete({ messages: question })).resolves.toBe(
      'SELECT COUNT(*) FROM orders',
    );
    const [request] = fake.chatRequests;
    expect(request?.model).toBe('fake-model');
    expect(request?.stream).toBe(false);
    expect(request?.system).toBe('You write SQL.');
    expect(request?.lastUser).toBe('How many orders?');
    expect(request?.body.temperature).toBe(0);
    expect(request?.body.response_format).toBeUndefined();
  });

  it('asks for a JSON object when json is set', async () => {
    fake.enqueue('{"intent":"TEXT_TO_SQL"}');
    await client().complete({ messages: question, json: true, temperature: 0.3 });
    expect(fake.chatRequests[0]?.body.response_format).toEqual({ type: 'json_object' });
    expect(fake.chatRequests[0]?.body.temperature).toBe(0.3);
  });

  it('retries a 500 and a 429 transparently', async () => {
    fake.enqueue({ content: '', status: 500 }, 'first');
    await expect(client().complete({ messages: question })).resolves.toBe('first');
    expect(fake.chatRequests).toHaveLength(2);

    fake.reset();
    fake.enqueue({ content: '', status: 429 }, 'second');
    await expect(client().complete({ messages: question })).resolves.toBe('second');
    expect(fake.chatRequests).toHaveLength(2);
  });

  it('gives up on a persistent 503 after the configured retries, naming host and reason', async () => {
    const overloaded = { content: '', status: 503 };
    fake.enqueue(overloaded, overloaded, overloaded, overloaded);
    const error = await failure(client({ maxRetries: 2 }).complete({ messages: question }));
    expect(fake.chatRequests).toHaveLength(3);
    expect(error.code).toBe('LLM_UNAVAILABLE');
    const host = new URL(fake.baseUrl).host;
    expect(error.message).toBe(
      `The language model at ${host} answered HTTP 503: The engine is currently overloaded, please try again later.`,
    );
    expect(error.message).not.toContain('sk-test-secret');
    expect(error.cause).toBeDefined();
  });

  it('reports a rejected key without retrying and without showing it', async () => {
    fake.enqueue({ content: 'Incorrect API key provided: sk-te****cret.', status: 401 }, 'unused');
    const error = await failure(client().complete({ messages: question }));
    expect(error.code).toBe('LLM_UNAVAILABLE');
    expect(error.message).toContain('rejected the API key (HTTP 401)');
    expect(error.message).not.toContain('sk-test-secret');
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('times out a hanging endpoint within the configured time-out', async () => {
    fake.enqueue({ content: '', hang: true });
    const started = Date.now();
    const error = await failure(
      client({ timeoutMs: 300, maxRetries: 0 }).complete({ messages: question }),
    );
    const elapsed = Date.now() - started;
    expect(error.code).toBe('LLM_UNAVAILABLE');
    expect(error.message).toMatch(/did not answer within 300 ms\.$/);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1500);
  });

  it('retries a call that timed out, and answers when the retry does', async () => {
    fake.enqueue({ content: '', hang: true }, 'SELECT 1');
    const answer = await client({ timeoutMs: 300, maxRetries: 1 }).complete({ messages: question });
    expect(answer).toBe('SELECT 1');
    expect(fake.chatRequests).toHaveLength(2);
  });

  it('reports a closed port as unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const error = await failure(
      client({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 }).complete({
        messages: question,
      }),
    );
    expect(error.code).toBe('LLM_UNAVAILABLE');
    expect(error.message).toContain(
      `The language model at 127.0.0.1:${port} could not be reached (ECONNREFUSED)`,
    );
  });

  it('stops with STOPPED when the signal aborts, even while the endpoint hangs', async () => {
    fake.enqueue({ content: '', hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(
      client({ timeoutMs: 10_000 }).complete({ messages: question, signal: controller.signal }),
    );
    expect(error.code).toBe('STOPPED');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fake.chatRequests).toHaveLength(1);
  });
});

describe('stream', () => {
  it('yields the deltas in order, the first before the endpoint sent the last', async () => {
    fake.enqueue({ content: 'SELECT 1', chunks: ['SEL', '', 'ECT', ' 1'], chunkDelayMs: 150 });
    const started = Date.now();
    const arrivals: [string, number][] = [];
    for await (const delta of client().stream({ messages: question })) {
      arrivals.push([delta, Date.now() - started]);
    }
    expect(arrivals.map(([delta]) => delta)).toEqual(['SEL', 'ECT', ' 1']);
    expect(fake.chatRequests[0]?.stream).toBe(true);
    const firstAt = arrivals[0]?.[1] ?? Number.NaN;
    const lastAt = arrivals.at(-1)?.[1] ?? Number.NaN;
    // The fake sends the last delta three chunk delays after the first one.
    expect(lastAt - firstAt).toBeGreaterThanOrEqual(400);
    expect(firstAt).toBeLessThan(lastAt - 300);
  });

  it('retries a 500 before the stream opened', async () => {
    fake.enqueue({ content: '', status: 500 }, 'SELECT 2');
    await expect(collect(client().stream({ messages: question }))).resolves.toEqual([
      'SELE',
      'CT 2',
    ]);
    expect(fake.chatRequests).toHaveLength(2);
  });

  it('re-opens a stream that stalls before its first delta', async () => {
    fake.enqueue(
      { content: 'SELECT 1', chunks: ['', 'SELECT 1'], chunkDelayMs: 5000 },
      { content: 'SELECT 2', chunks: ['SELECT 2'] },
    );
    const deltas = await collect(client({ timeoutMs: 300 }).stream({ messages: question }));
    expect(deltas).toEqual(['SELECT 2']);
    expect(fake.chatRequests).toHaveLength(2);
  });

  it('fails on a stream that stalls after a delta was shown, without retrying', async () => {
    fake.enqueue({ content: 'SELECT 1', chunks: ['SELECT', ' 1'], chunkDelayMs: 5000 }, 'unused');
    const deltas: string[] = [];
    const started = Date.now();
    const error = await failure(
      (async () => {
        for await (const delta of client({ timeoutMs: 300 }).stream({ messages: question })) {
          deltas.push(delta);
        }
      })(),
    );
    expect(deltas).toEqual(['SELECT']);
    expect(error.code).toBe('LLM_UNAVAILABLE');
    expect(error.message).toBe(
      `The language model at ${new URL(fake.baseUrl).host} stopped sending its reply for 300 ms.`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('stops with STOPPED when aborted mid-stream', async () => {
    fake.enqueue({ content: 'SELECT 1 FROM t', chunkDelayMs: 200 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of client().stream({
          messages: question,
          signal: controller.signal,
        })) {
          deltas.push(delta);
          controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('STOPPED');
    expect(deltas).toEqual(['SELE']);
  });
});
