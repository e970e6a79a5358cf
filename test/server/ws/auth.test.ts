import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../../support/adminToken.js';
import {
  collectFrames,
  connect,
  isClosingEvent,
  outcomeEvent,
  query,
  startTestQuarry,
  type TestQuarry,
  upgradeStatus,
} from '../../support/quarry.js';

const API_TOKEN = 'api-token-0123456789abcdef';
const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 2';

describe('/ws and /v1 with API_TOKENS set', () => {
  let quarry: TestQuarry;

  beforeAll(async () => {
    quarry = await startTestQuarry({ API_TOKENS: API_TOKEN });
    quarry.fake.onChat(() => `\`\`\`sql\n${SQL}\n\`\`\``);
  });
  afterAll(() => quarry?.close());

  it('answers an ask on /ws opened with the admin token as ?token=', async () => {
    const ws = await connect(`${quarry.wsUrl}?format=json&token=${ADMIN_TOKEN}`);
    const frames = await collectFrames(ws, query('前两个部门'), isClosingEvent);
    ws.close();
    expect(
      outcomeEvent(frames.map((frame) => JSON.parse(frame.text) as { type: string })),
    ).toMatchObject({
      type: 'result',
      sql: SQL,
      columns: ['name'],
      rows: [{ name: '总经办' }, expect.any(Object)],
    });
  });

  it('accepts the admin token and the API tokens as a bearer header, and refuses others', async () => {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect(await upgradeStatus(quarry.wsUrl, bearer(ADMIN_TOKEN))).toBe(101);
    expect(await upgradeStatus(quarry.wsUrl, bearer(API_TOKEN))).toBe(101);
    expect(await upgradeStatus(`${quarry.wsUrl}?token=${API_TOKEN}`)).toBe(101);
    expect(await upgradeStatus(`${quarry.wsUrl}?token=wrong-token-0123456789`)).toBe(401);
    expect(await upgradeStatus(`${quarry.wsUrl}?token=${ADMIN_TOKEN.slice(0, -1)}X`)).toBe(401);
    expect(await upgradeStatus(quarry.wsUrl, bearer('wrong-token-0123456789'))).toBe(401);
    expect(await upgradeStatus(quarry.wsUrl)).toBe(401);
  });

  it('accepts the admin token on /v1 and refuses a wrong one', async () => {
    const ask = (token: string) =>
      fetch(`${quarry.baseUrl}/v1/asks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '前两个部门' }),
      });
    const started = await ask(ADMIN_TOKEN);
    expect(started.status).toBe(202);
    const { query_id } = (await started.json()) as { query_id: string };
    await expect
      .poll(async () => {
        const response = await fetch(`${quarry.baseUrl}/v1/asks/${query_id}/result`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        return ((await response.json()) as { status: string }).status;
      })
      .toBe('finished');
    expect((await ask('wrong-token-0123456789')).status).toBe(401);
  });
});

describe('/ws without API_TOKENS', () => {
  let quarry: TestQuarry;
  beforeAll(async () => {
    quarry = await startTestQuarry();
  });
  afterAll(() => quarry?.close());

  it('stays open to anyone, with or without a token', async () => {
    expect(await upgradeStatus(quarry.wsUrl)).toBe(101);
    expect(await upgradeStatus(`${quarry.wsUrl}?token=anything`)).toBe(101);
  });
});
