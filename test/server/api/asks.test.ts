import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadKnowledgeSnapshot } from '../../../server/src/knowledge/snapshot.js';
import { BACKENDS } from '../knowledge/appDatabase.js';
import { type AdminApiHarness, startAdminApi } from './apiHarness.js';

describe.each(BACKENDS)('admin API ask history on %s', (backend) => {
  let api: AdminApiHarness;
  let finished: string;
  let failed: string;
  let slack: string;

  beforeAll(async () => {
    api = await startAdminApi(backend, 'asks');
    const { asks } = api.store;
    finished = await asks.create({
      question: 'Revenue by region?',
      source: 'ws',
      datasource: 'default',
    });
    await asks.update(finished, {
      status: 'finished',
      sql: 'SELECT region, SUM(amount) FROM orders GROUP BY region',
      row_count: 4,
    });
    failed = await asks.create({
      question: 'Churn last week?',
      source: 'api',
      datasource: 'default',
    });
    await asks.update(failed, {
      status: 'failed',
      error_code: 'NO_RELEVANT_DATA',
      error: 'No table about churn.',
    });
    slack = await asks.create({
      question: 'Headcount per department?',
      source: 'slack',
      datasource: 'default',
      asked_by: 'U42',
    });
    await asks.update(slack, {
      status: 'finished',
      sql: 'SELECT dept, COUNT(*) FROM staff GROUP BY dept',
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  test('list filters by status, source, rating and text; read one; 404 for unknown ids', async () => {
    const all = await api.request('GET', '/api/asks');
    expect(all.body.total).toBe(3);
    const byStatus = await api.request('GET', '/api/asks?status=finished');
    expect(byStatus.body.items.map((ask: { id: string }) => ask.id).sort()).toEqual(
      [finished, slack].sort(),
    );
    expect((await api.request('GET', '/api/asks?source=slack')).body.items[0]).toMatchObject({
      id: slack,
      asked_by: 'U42',
    });
    expect(
      (await api.request('GET', '/api/asks?q=churn')).body.items.map(
        (ask: { id: string }) => ask.id,
      ),
    ).toEqual([failed]);
    expect(
      (await api.request('GET', '/api/asks?q=SUM(amount)')).body.items.map(
        (ask: { id: string }) => ask.id,
      ),
    ).toEqual([finished]);
    const bad = await api.request('GET', '/api/asks?status=done&source=email');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['source', 'status']);

    const one = await api.request('GET', `/api/asks/${failed}`);
    expect(one.body).toMatchObject({
      question: 'Churn last week?',
      status: 'failed',
      error_code: 'NO_RELEVANT_DATA',
    });
    expect(
      (await api.request('GET', '/api/asks/00000000-0000-0000-0000-000000000000')).status,
    ).toBe(404);
  });

  test('feedback is recorded and filterable; a bad rating names the field', async () => {
    const up = await api.request('POST', `/api/asks/${finished}/feedback`, {
      body: { rating: 'up', comment: 'Exactly right' },
    });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ rating: 'up', feedback_comment: 'Exactly right' });
    await api.request('POST', `/api/asks/${failed}/feedback`, { body: { rating: 'down' } });

    expect(
      (await api.request('GET', '/api/asks?rating=up')).body.items.map(
        (ask: { id: string }) => ask.id,
      ),
    ).toEqual([finished]);
    expect(
      (await api.request('GET', '/api/asks?rating=none')).body.items.map(
        (ask: { id: string }) => ask.id,
      ),
    ).toEqual([slack]);

    const bad = await api.request('POST', `/api/asks/${slack}/feedback`, {
      body: { rating: 'meh' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ rating: 'rating must be "up" or "down"' });
    expect((await api.store.asks.get(slack))?.rating).toBeNull();
    expect(
      (await api.request('POST', '/api/asks/nope/feedback', { body: { rating: 'up' } })).status,
    ).toBe(404);
  });

  test('an up-voted ask is found as verified SQL and can be promoted to a SQL pair once', async () => {
    const snapshot = await loadKnowledgeSnapshot(api.store, await api.store.revision());
    expect(snapshot.verifiedSql('revenue by region', 'default')).toBe(
      'SELECT region, SUM(amount) FROM orders GROUP BY region',
    );
    const promoted = await api.request('POST', `/api/asks/${finished}/promote`);
    expect(promoted.status).toBe(201);
    expect(promoted.body).toMatchObject({
      question: 'Revenue by region?',
      sql: 'SELECT region, SUM(amount) FROM orders GROUP BY region',
      datasource: 'default',
    });
    expect((await api.request('GET', '/api/sql-pairs?q=region')).body.total).toBe(1);

    const again = await api.request('POST', `/api/asks/${finished}/promote`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');

    const noSql = await api.request('POST', `/api/asks/${failed}/promote`);
    expect(noSql.status).toBe(400);
    expect(noSql.body.error.fields).toHaveProperty('sql');

    const renamed = await api.request('POST', `/api/asks/${slack}/promote`, {
      body: { question: 'How many people work in each department?' },
    });
    expect(renamed.body.question).toBe('How many people work in each department?');
  });

  test('an ask can be deleted', async () => {
    expect((await api.request('DELETE', `/api/asks/${failed}`)).status).toBe(204);
    expect(await api.store.asks.get(failed)).toBeUndefined();
    expect((await api.request('DELETE', `/api/asks/${failed}`)).status).toBe(404);
  });
});
