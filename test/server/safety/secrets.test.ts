import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSql } from '../../../server/src/demo/build.js';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../support/mariadbServer.js';
import { outcomeEvent } from '../../support/quarry.js';
import { askEvents, askText, type LoggedQuarry, sqlReply, startLoggedQuarry } from './support.js';

const SECRETS = {
  apiKey: 'sk-quarry-secret-key-5b7d1e2f9a3c',
  adminToken: 'admin-secret-token-9f8e7d6c5b4a',
  apiToken: 'api-secret-token-1a2b3c4d5e6f',
  targetPassword: 'Target-Secret-Pw-4411',
  appPassword: 'AppDb-Secret-Pw-8822',
  brokenPassword: 'Broken-Secret-Pw-3300',
};
const SQL = 'SELECT name FROM departments ORDER BY id LIMIT 3';

describe('secrets never reach logs, frames or API responses', () => {
  let db: PrivateMariaDb;
  let quarry: LoggedQuarry;
  /** Everything a client received: frames, response bodies and headers. */
  const seen: string[] = [];

  const api = async (method: string, path: string, body?: unknown, token = SECRETS.adminToken) => {
    const response = await fetch(`${quarry.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    seen.push(JSON.stringify([...response.headers]), text);
    return { status: response.status, text };
  };

  beforeAll(async () => {
    db = await startPrivateMariaDb();
    await db.query('CREATE DATABASE demo; CREATE DATABASE app');
    await db.query(await demoSql(), 'demo');
    const users = [
      ['reader', SECRETS.targetPassword, 'SELECT ON demo.*'],
      ['app', SECRETS.appPassword, 'ALL ON app.*'],
    ];
    for (const [name, password, grant] of users) {
      for (const host of ['localhost', '127.0.0.1', '%']) {
        await db.query(
          `CREATE USER '${name}'@'${host}' IDENTIFIED BY '${password}'; GRANT ${grant} TO '${name}'@'${host}'`,
        );
      }
    }
    quarry = await startLoggedQuarry(
      {
        OPENAI_API_KEY: SECRETS.apiKey,
        ADMIN_TOKEN: SECRETS.adminToken,
        API_TOKENS: SECRETS.apiToken,
        DATABASE_URL: db.url('demo', { name: 'reader', password: SECRETS.targetPassword }),
        APP_DATABASE_URL: db.url('app', { name: 'app', password: SECRETS.appPassword }),
      },
      'trace',
    );
  });
  afterAll(async () => {
    await quarry?.close();
    await db?.destroy();
  });

  it('holds for asks, model and database failures, and the admin API', async () => {
    const ws = `${quarry.wsUrl}?token=${SECRETS.apiToken}`;
    quarry.fake.onChat(() => sqlReply(SQL));
    seen.push(...(await askText(ws, '前三个部门')));
    seen.push(JSON.stringify(await askEvents(ws, '前三个部门')));

    // The model refuses the key (quoting it back, as some providers do), then fails.
    quarry.fake.onChat(
      routeByPrompt([
        [/模型拒绝/, { status: 401, content: `Incorrect API key provided: ${SECRETS.apiKey}.` }],
        [
          /模型故障/,
          { status: 500, content: `Upstream rejected key ${SECRETS.apiKey} (internal error).` },
        ],
      ]),
    );
    const rejected = await askEvents(ws, '模型拒绝');
    expect(outcomeEvent(rejected)).toMatchObject({ type: 'error', code: 'LLM_UNAVAILABLE' });
    seen.push(JSON.stringify(rejected), ...(await askText(ws, '模型故障')));

    // Data sources that cannot be reached or refuse the password.
    quarry.fake.onChat(() => sqlReply(SQL));
    const unreachable = `mysql://reader:${SECRETS.brokenPassword}@127.0.0.1:1/demo`;
    const wrongPassword = `mysql://reader:${SECRETS.brokenPassword}@127.0.0.1:${db.port}/demo`;
    for (const [name, url] of [
      ['unreachable', unreachable],
      ['wrong_password', wrongPassword],
    ] as const) {
      expect((await api('POST', '/api/datasources', { name, url })).status).toBe(201);
      const failed = await askEvents(ws, '前三个部门', { datasource: name });
      expect(outcomeEvent(failed)).toMatchObject({ type: 'error', code: 'DATASOURCE_UNAVAILABLE' });
      seen.push(JSON.stringify(failed), ...(await askText(ws, '前三个部门', { datasource: name })));
      expect((await api('POST', '/api/datasources/test', { url })).status).toBe(400);
      expect((await api('POST', '/api/datasources/test', { name })).status).toBe(400);
    }

    // The admin API: lists, details, a wrong token, history, and the /v1 API.
    for (const path of [
      '/api/datasources',
      '/api/datasources/default',
      '/api/datasources/unreachable',
      '/api/datasources/default/schema',
      '/api/asks',
      '/api/session',
    ]) {
      expect((await api('GET', path)).status).toBe(200);
    }
    expect((await api('GET', '/api/datasources', undefined, 'wrong-token')).status).toBe(401);
    const started = await api('POST', '/v1/asks', { query: '前三个部门' }, SECRETS.apiToken);
    const { query_id } = JSON.parse(started.text) as { query_id: string };
    await expect
      .poll(async () => {
        const { text } = await api(
          'GET',
          `/v1/asks/${query_id}/result`,
          undefined,
          SECRETS.apiToken,
        );
        return (JSON.parse(text) as { status: string }).status;
      })
      .toBe('finished');
    expect((await api('GET', '/v1/asks/nope/result', undefined, 'wrong-token')).status).toBe(401);

    const logs = quarry.logs.map((line) => line.raw).join('\n');
    // The logger saw the failures (so the check below is not vacuous) ...
    expect(logs).toContain('ECONNREFUSED');
    expect(logs).toContain('Access denied');
    // ... and no secret anywhere.
    const everything = [...seen, logs].join('\n');
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(everything.includes(secret), `${name} leaked`).toBe(false);
    }
  });
});
