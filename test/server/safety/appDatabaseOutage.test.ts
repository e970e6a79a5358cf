import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../../fakes/openaiServer.js';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../support/mariadbServer.js';
import {
  ADMIN_TOKEN,
  askEvents,
  askText,
  LEVEL,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from './support.js';

const MODEL_SQL =
  "SELECT COUNT(*) AS headcount FROM employees e JOIN departments d ON e.department_id = d.id WHERE d.name = 'RD'";
const FINAL_SQL = MODEL_SQL.replace("'RD'", "'研发中心'");
const PAIR_QUESTION = '研发中心的员工一共有多少人';
const PAIR_SQL = 'SELECT COUNT(*) AS people FROM employees WHERE department_id = 1';

const scriptModel = (quarry: LoggedQuarry) =>
  quarry.fake.onChat(
    routeByPrompt([
      [
        /TASK: INTENT/,
        JSON.stringify({ rephrased_question: '研发中心有多少员工', intent: 'TEXT_TO_SQL' }),
      ],
      [/TASK: SQL GENERATION/, sqlReply(MODEL_SQL)],
    ]),
  );
const eventsAskId = (events: Record<string, unknown>[]) => events[0]?.ask_id as string;
const logged = (quarry: LoggedQuarry, level: number, pattern: RegExp) =>
  quarry.logs.filter((line) => line.level === level && pattern.test(line.msg));

describe('the app database goes down and comes back', () => {
  let db: PrivateMariaDb;
  beforeAll(async () => {
    db = await startPrivateMariaDb();
    await db.query('CREATE DATABASE app_a; CREATE DATABASE app_b');
  });
  afterAll(() => db?.destroy());

  it('answers asks meanwhile and writes their history, in order, once it is back', async () => {
    const quarry = await startLoggedQuarry({
      APP_DATABASE_URL: db.url('app_a'),
      ASK_INTENT_CLASSIFICATION: 'true',
    });
    try {
      scriptModel(quarry);
      const added = await fetch(`${quarry.baseUrl}/api/sql-pairs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ question: PAIR_QUESTION, sql: PAIR_SQL }),
      });
      expect(added.status).toBe(201);
      expect(outcomeEvent(await askEvents(quarry.wsUrl, '研发中心有多少员工'))).toMatchObject({
        type: 'result',
        sql: FINAL_SQL,
      });

      await db.stop();
      quarry.fake.chatRequests.length = 0;
      const text = await askText(quarry.wsUrl, 'RD 有多少员工 (停机 1)', { thread_id: 't-1' });
      expect(text).toContain(`最终SQL语句: ${FINAL_SQL}`);
      expect(JSON.parse(text.at(-1) ?? '{}')).toMatchObject({ status: 'success', sql: FINAL_SQL });
      const asked: string[] = [];
      for (const n of [2, 3]) {
        const events = await askEvents(quarry.wsUrl, `RD 有多少员工 (停机 ${n})`, {
          thread_id: 't-1',
        });
        expect(outcomeEvent(events)).toMatchObject({
          type: 'result',
          sql: FINAL_SQL,
          row_count: 1,
        });
        asked.push(eventsAskId(events));
      }
      // The last good SQL pairs still reach the model's prompt: retrieval kept its index.
      const generation = quarry.fake.chatRequests.filter((r) =>
        r.system.includes('SQL GENERATION'),
      );
      expect(generation).toHaveLength(3);
      expect(generation.every((r) => r.messages.some((m) => m.content.includes(PAIR_SQL)))).toBe(
        true,
      );
      expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
      expect(logged(quarry, LEVEL.warn, /^app database unreachable/)).toHaveLength(1);
      expect(
        logged(quarry, LEVEL.warn, /^ask history: the app database is unreachable/),
      ).toHaveLength(1);
      expect(logged(quarry, LEVEL.error, /./)).toEqual([]);

      await db.start();
      const store = quarry.server.store;
      await expect
        .poll(
          async () => (await store.asks.get(asked[1] as string).catch(() => undefined))?.status,
          {
            timeout: 20_000,
          },
        )
        .toBe('finished');
      const { items } = await store.asks.list({ q: '停机', page: 1, page_size: 10 });
      const oldestFirst = [...items].reverse();
      expect(oldestFirst.map((ask) => [ask.question, ask.status, ask.sql])).toEqual(
        [1, 2, 3].map((n) => [`RD 有多少员工 (停机 ${n})`, 'finished', FINAL_SQL]),
      );
      expect(oldestFirst.map((ask) => ask.id).slice(1)).toEqual(asked);
      expect(logged(quarry, LEVEL.error, /./)).toEqual([]);

      // Back to normal: asks answer from the knowledge snapshot without reading the store, and
      // its periodic revision check (KNOWLEDGE_CHECK_MS) sees the database back and says so.
      expect(outcomeEvent(await askEvents(quarry.wsUrl, '研发中心有多少员工'))).toMatchObject({
        type: 'result',
      });
      await expect
        .poll(() => logged(quarry, LEVEL.info, /^app database reachable again/).length, {
          timeout: 10_000,
        })
        .toBe(1);
    } finally {
      await db.start();
      await quarry.close();
    }
  });

  it('logs the history it cannot keep at error level, naming the asks', async () => {
    const quarry = await startLoggedQuarry({
      APP_DATABASE_URL: db.url('app_b'),
      ASK_HISTORY_QUEUE_LIMIT: '2',
    });
    let closed = false;
    try {
      scriptModel(quarry);
      await db.stop();
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        const events = await askEvents(quarry.wsUrl, `RD 有多少员工 (丢失 ${n})`);
        expect(outcomeEvent(events)).toMatchObject({ type: 'result' });
        ids.push(eventsAskId(events));
      }
      // The first ask's two writes fill the queue; the others' do not fit.
      const overflow = logged(
        quarry,
        LEVEL.error,
        /^ask history lost: 2 writes were already waiting/,
      );
      expect(overflow.flatMap((line) => line.askIds as string[])).toEqual([
        ids[1],
        ids[1],
        ids[2],
        ids[2],
      ]);
      // Stopping while the store is still down loses what waits: said so, with the ask id.
      await quarry.close();
      closed = true;
      const stopped = logged(quarry, LEVEL.error, /^ask history lost: the server stopped/);
      expect(stopped).toHaveLength(1);
      expect(stopped[0]).toMatchObject({ askIds: [ids[0]], writes: 2 });
    } finally {
      if (!closed) await quarry.close();
      await db.start();
    }
  });
});
