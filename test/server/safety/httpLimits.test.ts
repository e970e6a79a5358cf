import { MAX_QUESTION_CHARS } from '@quarry/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestQuarry } from '../../support/quarry.js';
import { connect, query } from '../../support/quarry.js';
import { ADMIN_TOKEN, nextFrames, sqlReply, startLoggedQuarry } from './support.js';

const TOKENS = ['api-token-a-0123456789', 'api-token-b-0123456789'];
const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

/** A JSON error response as users see it: status, JSON content type and the error body. */
async function errorOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

describe('HTTP input limits', () => {
  let quarry: TestQuarry;
  const post = (path: string, body: string, token = TOKENS[0]) =>
    fetch(`${quarry.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });

  beforeAll(async () => {
    quarry = await startLoggedQuarry({
      API_TOKENS: TOKENS.join(','),
      ASK_MAX_CONCURRENT_PER_USER: '2',
    });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  it('answers bodies over the limit with 413 JSON on /v1 and /api', async () => {
    const huge = JSON.stringify({ query: 'x'.repeat(100 * 1024) });
    expect(await errorOf(await post('/v1/asks', huge))).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The request body is too large.',
    });
    const sixMegabytes = JSON.stringify({ question: 'q', sql: `SELECT '${'x'.repeat(6e6)}'` });
    const admin = await post('/api/sql-pairs', sixMegabytes, ADMIN_TOKEN);
    expect(await errorOf(admin)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers malformed JSON, unknown routes and malformed URLs with JSON errors', async () => {
    expect(await errorOf(await post('/v1/asks', '{"query": '))).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'The request body is not valid JSON.',
      fields: { body: 'must be valid JSON' },
    });
    const headers = { authorization: `Bearer ${TOKENS[0]}` };
    const unknown = await fetch(`${quarry.baseUrl}/v1/nothing-here`, { headers });
    expect(await errorOf(unknown)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const badUrl = await fetch(`${quarry.baseUrl}/v1/asks/%E0%A4%A/result`, { headers });
    expect(await errorOf(badUrl)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('refuses a question over the length limit on /v1 and /ws', async () => {
    const long = 'x'.repeat(MAX_QUESTION_CHARS + 1);
    const refused = await errorOf(await post('/v1/asks', JSON.stringify({ query: long })));
    expect(refused).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(refused.message).toContain(`at most ${MAX_QUESTION_CHARS} characters`);

    const ws = await connect(`${quarry.wsUrl}?format=json&token=${TOKENS[0]}`);
    const reply = nextFrames(ws, 1);
    ws.send(query(long));
    expect(JSON.parse((await reply)[0] ?? '{}')).toEqual({
      type: 'error',
      code: 'BAD_REQUEST',
      message: `Invalid "query": "query" must be at most ${MAX_QUESTION_CHARS} characters.`,
    });
    ws.close();
  });

  it('limits asks per user on /v1: by the user named, else by API token', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    quarry.fake.onChat(async () => {
      await gate;
      return sqlReply(SQL);
    });
    const ask = (token: string, user?: string) =>
      post('/v1/asks', JSON.stringify({ query: '前三个部门', ...(user ? { user } : {}) }), token);

    expect((await ask(TOKENS[0] as string)).status).toBe(202);
    expect((await ask(TOKENS[0] as string)).status).toBe(202);
    expect(await errorOf(await ask(TOKENS[0] as string))).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'At most 2 questions may run at once for one user; wait for an answer first.',
    });
    // Another token, or a user the client names, is someone else.
    expect((await ask(TOKENS[1] as string)).status).toBe(202);
    expect((await ask(TOKENS[0] as string, 'U9')).status).toBe(202);

    release();
    await expect
      .poll(async () => (await ask(TOKENS[0] as string)).status, { timeout: 10_000 })
      .toBe(202);
  });
});
