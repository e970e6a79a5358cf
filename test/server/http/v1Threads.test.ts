import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { startTestQuarry, type TestQuarry } from '../../support/quarry.js';

const TOKEN = 'client-token-0123456789';
const THREAD = 'slack:CDATA:1750000001.000101';

describe('GET /v1/threads/:thread_id with API_TOKENS set', () => {
  let quarry: TestQuarry;
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const threadUrl = (threadId: string) =>
    `${quarry.baseUrl}/v1/threads/${encodeURIComponent(threadId)}`;
  const ask = async (query: string, threadId: string) => {
    const started = await fetch(`${quarry.baseUrl}/v1/asks`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ query, thread_id: threadId }),
    });
    if (started.status !== 202) throw new Error(`POST /v1/asks: HTTP ${started.status}`);
    const { query_id } = (await started.json()) as { query_id: string };
    for (const deadline = Date.now() + 10_000; ; ) {
      const result = await fetch(`${quarry.baseUrl}/v1/asks/${query_id}/result`, {
        headers: bearer,
      });
      const { status } = (await result.json()) as { status?: string };
      if (status === 'finished') return;
      if (Date.now() > deadline) throw new Error(`ask ${query_id} still ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  beforeAll(async () => {
    quarry = await startTestQuarry({ API_TOKENS: TOKEN });
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, '```sql\nSELECT COUNT(*) AS n FROM departments\n```'],
      ]),
    );
    await ask('How many departments are there?', THREAD);
    await ask('And projects?', THREAD);
    await ask('How many departments are there?', 'slack:CDATA:1750000002.000102');
  });
  afterAll(() => quarry?.close());

  it("answers with the number of the thread's asks", async () => {
    const response = await fetch(threadUrl(THREAD), { headers: bearer });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ thread_id: THREAD, asks: 2 });
  });

  it('answers 404 for a thread with no ask', async () => {
    const response = await fetch(threadUrl('slack:CDATA:1750000003.000103'), { headers: bearer });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('refuses a request without a valid token, and takes one as ?token=', async () => {
    expect((await fetch(threadUrl(THREAD))).status).toBe(401);
    expect(
      (await fetch(threadUrl(THREAD), { headers: { authorization: 'Bearer wrong-token' } })).status,
    ).toBe(401);
    expect((await fetch(threadUrl('slack:CDATA:1750000003.000103'))).status).toBe(401);
    const byQuery = await fetch(`${threadUrl(THREAD)}?token=${TOKEN}`);
    expect(byQuery.status).toBe(200);
    expect(await byQuery.json()).toEqual({ thread_id: THREAD, asks: 2 });
  });
});
