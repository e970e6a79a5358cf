import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorCode } from '@quarry/shared';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskService } from '../../../server/src/asks/askService.js';
import { QuarryError } from '../../../server/src/errors.js';
import { tokenDigest, tokenMatches } from '../../../server/src/http/auth.js';
import { createV1Router } from '../../../server/src/http/v1Routes.js';
import { ADMIN_TOKEN } from '../../support/adminToken.js';
import { type AdminApiHarness, startAdminApi } from '../api/apiHarness.js';
import { silentLogger } from '../knowledge/appDatabase.js';

const TOKEN = 'client-token-0123456789';

/** An ask service whose polls fail with the error the test sets: what a caller of /v1 sees. */
function failingPolls(failure: { code: ErrorCode }): AskService {
  return {
    ask: () => ({ askId: 'a1', done: new Promise(() => undefined) }),
    view: async () => {
      throw new QuarryError(failure.code, `failed with ${failure.code}`);
    },
    stop: async () => false,
  };
}

describe('one HTTP layer for /v1 and /api', () => {
  const failure: { code: ErrorCode } = { code: 'DATASOURCE_UNAVAILABLE' };
  let v1: Server;
  let v1Url: string;
  let admin: AdminApiHarness;

  beforeAll(async () => {
    const app = express();
    app.use(
      '/v1',
      createV1Router({
        asks: failingPolls(failure),
        logger: silentLogger,
        apiTokens: [tokenDigest(TOKEN)],
        recordFeedback: async () => false,
        threadAskCount: async () => 0,
      }),
    );
    v1 = createServer(app).listen(0, '127.0.0.1');
    await once(v1, 'listening');
    v1Url = `http://127.0.0.1:${(v1.address() as AddressInfo).port}/v1`;
    admin = await startAdminApi('sqlite', 'http_layer', {
      describeDataSource: async () => {
        throw new QuarryError(failure.code, `failed with ${failure.code}`);
      },
    });
    await admin.store.datasources.ensureDefault('sqlite:/tmp/http-layer.sqlite');
  });
  afterAll(async () => {
    v1?.closeAllConnections();
    await new Promise((done) => v1?.close(done));
    await admin?.close();
  });

  it('answers 501 on /v1 as on /api for a feature the server was started without', async () => {
    const response = await fetch(`${v1Url}/intent`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '每个部门有多少人?' }),
    });
    expect(response.status).toBe(501);
    expect(await response.json()).toMatchObject({
      error: {
        code: 'INTERNAL',
        message: expect.stringMatching(/Intent classification is not available/),
      },
    });
  });

  const poll = (authorization = `Bearer ${TOKEN}`) =>
    fetch(`${v1Url}/asks/a1/result`, { headers: { authorization } });

  it.each([
    ['DATASOURCE_UNAVAILABLE', 503],
    ['QUEUE_UNAVAILABLE', 503],
    ['LLM_UNAVAILABLE', 503],
    ['RATE_LIMITED', 429],
  ] as const)('answers %s with %i on both', async (code, status) => {
    failure.code = code;
    const polled = await poll();
    const described = await admin.request('GET', '/api/datasources/default/schema');
    for (const [where, response, body] of [
      ['/v1', polled.status, await polled.json()],
      ['/api', described.status, described.body],
    ] as const) {
      expect(response, where).toBe(status);
      expect(body, where).toEqual({ error: { code, message: `failed with ${code}` } });
    }
  });

  it('refuses malformed JSON the same way on both', async () => {
    const malformed = '{"query": ';
    const v1Answer = await fetch(`${v1Url}/asks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: malformed,
    });
    const adminAnswer = await admin.request('POST', '/api/sql-pairs', {
      raw: malformed,
      contentType: 'application/json',
    });
    const expected = {
      error: {
        code: 'BAD_REQUEST',
        message: 'The request body is not valid JSON.',
        fields: { body: 'must be valid JSON' },
      },
    };
    expect([v1Answer.status, await v1Answer.json()]).toEqual([400, expected]);
    expect([adminAnswer.status, adminAnswer.body]).toEqual([400, expected]);
  });

  it('takes the bearer scheme in any case, on both', async () => {
    failure.code = 'NOT_FOUND';
    expect((await poll(`bearer ${TOKEN}`)).status).toBe(404);
    expect((await poll(`BEARER ${TOKEN}`)).status).toBe(404);
    const session = await admin.request('GET', '/api/session', {
      token: null,
      headers: { authorization: `bearer ${ADMIN_TOKEN}` },
    });
    expect(session.status).toBe(200);
  });

  it('refuses wrong tokens whatever their length, on both', async () => {
    for (const wrong of ['x', `${TOKEN}x`, `${TOKEN.slice(0, -1)}X`, TOKEN.toUpperCase(), '']) {
      const polled = await poll(`Bearer ${wrong}`);
      expect(polled.status, wrong).toBe(401);
      expect(((await polled.json()) as { error: { code: string } }).error.code).toBe(
        'UNAUTHORIZED',
      );
      const adminWrong = wrong === '' ? ADMIN_TOKEN.slice(1) : wrong;
      expect((await admin.request('GET', '/api/session', { token: adminWrong })).status).toBe(401);
    }
  });
});

describe('tokenMatches', () => {
  const digest = tokenDigest(TOKEN);

  it('matches only the token itself', () => {
    expect(tokenMatches(TOKEN, digest)).toBe(true);
    for (const wrong of ['', 'c', TOKEN.slice(0, -1), `${TOKEN} `, TOKEN.toUpperCase()]) {
      expect(tokenMatches(wrong, digest), wrong).toBe(false);
    }
  });

  it('compares fixed-length digests, so a candidate of any length costs the same', () => {
    // timingSafeEqual throws on unequal lengths: comparing raw tokens of another length would
    // either throw or need an early return whose timing tells the length.
    expect(() => tokenMatches('x'.repeat(10_000), digest)).not.toThrow();
    expect(tokenMatches('x'.repeat(10_000), digest)).toBe(false);
  });

  it('matches nothing against a malformed stored digest', () => {
    expect(tokenMatches(TOKEN, 'not-a-digest')).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });
});
