import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  embedText,
  type FakeOpenAI,
  routeByPrompt,
  startFakeOpenAI,
} from '../../fakes/openaiServer.js';

let fake: FakeOpenAI;
let openai: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  openai = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
}

async function ask(system: string, user: string): Promise<string> {
  const completion = await openai.chat.completions.create({
    model: 'fake-model',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
  });
  return completion.choices[0]?.message.content ?? '';
}

describe('fake OpenAI server', () => {
  it('streams SSE chunks, a usage-free stop chunk, then [DONE]', async () => {
    fake.enqueue('SELECT 1 FROM dual');
    const response = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        stream: true,
        messages: [{ role: 'user', content: 'q' }],
      }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events
      .slice(0, -1)
      .map((event) => JSON.parse(event.slice(6)) as ChatCompletionChunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(last).not.toHaveProperty('usage');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('SELECT 1 FROM dual');
    expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0]?.delta.content)).toEqual([
      'SELE',
      'CT 1',
      ' FRO',
      'M du',
      'al',
    ]);
  });

  it('records requests and serves the queue before the handler', async () => {
    fake.onChat((request) => `handled: ${request.lastUser}`);
    fake.enqueue('queued');
    await expect(ask('sys', 'first')).resolves.toBe('queued');
    await expect(ask('sys', 'second')).resolves.toBe('handled: second');
    expect(fake.chatRequests.map((request) => [request.system, request.lastUser])).toEqual([
      ['sys', 'first'],
      ['sys', 'second'],
    ]);
  });

  it('fails clearly, once, when nothing was scripted', async () => {
    const error = await ask('sys', 'q').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain('fake model: no scripted reply');
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('refuses a request without an API key, like OpenAI', async () => {
    const response = await fetch(`${fake.baseUrl}/models`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('API key');
  });

  it('routes by prompt content, with a fallback', async () => {
    fake.onChat(
      routeByPrompt(
        [
          [/classify the intent/i, '{"intent":"TEXT_TO_SQL"}'],
          [/orders/, (request) => ({ content: `SELECT * FROM orders -- ${request.model}` })],
        ],
        'fallback',
      ),
    );
    await expect(ask('Classify the intent.', 'How many users?')).resolves.toBe(
      '{"intent":"TEXT_TO_SQL"}',
    );
    await expect(ask('Write SQL.', 'all orders')).resolves.toBe(
      'SELECT * FROM orders -- fake-model',
    );
    await expect(ask('Write SQL.', 'all users')).resolves.toBe('fallback');
  });

  it('answers an unmatched route with a 500 naming the prompt', async () => {
    fake.onChat(routeByPrompt([[/never/, 'x']]));
    const error = await ask('Write SQL.', 'all users').catch((thrown: unknown) => thrown);
    expect((error as Error).message).toContain(
      'no route matched the prompt: Write SQL.\nall users',
    );
  });

  it('lists the configured models', async () => {
    fake.setModels(['a', 'b']);
    const page = await openai.models.list();
    expect(page.data.map((model) => model.id)).toEqual(['a', 'b']);
    expect(fake.modelListRequests).toBe(1);
  });

  it('serves base64 embeddings (the SDK default) equal to the float ones', async () => {
    const response = await openai.embeddings.create({ model: 'e', input: ['orders by month'] });
    const vector = response.data[0]?.embedding ?? [];
    const expected = embedText('orders by month', 64);
    expect(vector).toHaveLength(64);
    vector.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 6);
    });
  });

  it('embeds similar texts closer than unrelated ones, in English and Chinese', () => {
    const embed = (text: string) => embedText(text, 64);
    const revenue = embed('total revenue by region for each month');
    const similar = embed('revenue by region per month');
    const unrelated = embed('list employees hired last year');
    expect(cosine(revenue, revenue)).toBeCloseTo(1, 6);
    expect(cosine(revenue, similar)).toBeGreaterThan(0.5);
    expect(cosine(revenue, similar)).toBeGreaterThan(cosine(revenue, unrelated) + 0.3);

    const headcount = embed('每个部门的员工数量');
    const headcountAgain = embed('每个部门有多少员工');
    const sales = embed('上个月的销售额');
    expect(cosine(headcount, headcountAgain)).toBeGreaterThan(cosine(headcount, sales) + 0.3);
  });

  it('closes while a request hangs', async () => {
    const hanging = await startFakeOpenAI();
    hanging.enqueue({ content: '', hang: true });
    const client = new OpenAI({ apiKey: 'k', baseURL: hanging.baseUrl, maxRetries: 0 });
    const pending = client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'q' }] })
      .catch((thrown: unknown) => thrown);
    while (hanging.chatRequests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await hanging.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
