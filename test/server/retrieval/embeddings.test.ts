import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_HEADERS } from '../../support/adminToken.js';
import {
  askEvents,
  LEVEL,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from '../safety/support.js';

const SQL = 'SELECT name, budget FROM projects ORDER BY budget DESC LIMIT 1';

describe('retrieval with EMBEDDING_MODEL set', () => {
  let quarry: LoggedQuarry;
  beforeAll(async () => {
    quarry = await startLoggedQuarry({ EMBEDDING_MODEL: 'fake-embedding' });
  });
  afterEach(() => quarry.fake.reset());
  afterAll(() => quarry?.close());

  const embeddedTexts = () => quarry.fake.embeddingRequests.flat();

  it('embeds the question, the schema and the SQL pairs, and answers', async () => {
    quarry.fake.onChat(() => sqlReply(SQL));
    const events = await askEvents(quarry.wsUrl, '哪个项目的预算最高');
    expect(outcomeEvent(events)).toMatchObject({ type: 'result', sql: SQL, row_count: 1 });
    expect(embeddedTexts()).toContain('哪个项目的预算最高');
    expect(embeddedTexts().some((text) => text.includes('projects'))).toBe(true);
    expect(quarry.fake.embeddingRequests.every((request) => request.length <= 256)).toBe(true);
  });

  it('after an admin edit embeds only what the edit changed', async () => {
    quarry.fake.onChat(() => sqlReply(SQL));
    await askEvents(quarry.wsUrl, '哪个项目的预算最高'); // everything embedded once
    quarry.fake.embeddingRequests.length = 0;
    const created = await fetch(`${quarry.baseUrl}/api/sql-pairs`, {
      method: 'POST',
      headers: ADMIN_HEADERS,
      body: JSON.stringify({ question: '预算最高的项目', sql: SQL }),
    });
    expect(created.status).toBe(201);
    const events = await askEvents(quarry.wsUrl, '哪个项目的预算最高？');
    expect(outcomeEvent(events)).toMatchObject({ type: 'result' });
    expect(embeddedTexts().sort()).toEqual(['哪个项目的预算最高？', '预算最高的项目'].sort());
  });

  it('answers lexically, and says so in the log, while the embedding endpoint fails', async () => {
    quarry.fake.onChat(() => sqlReply(SQL));
    quarry.fake.failEmbeddings(503);
    const events = await askEvents(quarry.wsUrl, '预算最高的项目是哪个');
    expect(events.find((event) => event.type === 'retrieved')).toMatchObject({
      tables: expect.arrayContaining(['projects']),
    });
    expect(outcomeEvent(events)).toMatchObject({ type: 'result', sql: SQL });
    expect(
      quarry.logs.some((line) => line.level === LEVEL.warn && /embeddings failed/.test(line.msg)),
    ).toBe(true);
  });
});
