import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AskHistoryStore,
  type AskHistoryWrite,
  createKnowledgeAskHistory,
} from '../../../server/src/asks/history.js';
import {
  createQueuedAskHistory,
  type QueuedAskHistory,
} from '../../../server/src/asks/historyQueue.js';
import { sqlitePath } from '../../../server/src/knowledge/dataSource.js';
import type { KnowledgeStore } from '../../../server/src/knowledge/port.js';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { createLogger } from '../../../server/src/logger.js';
import type { AskInput, AskOutcome } from '../../../server/src/pipeline/types.js';
import {
  type AppDatabase,
  BACKENDS,
  type Backend,
  createAppDatabase,
  silentLogger,
} from '../knowledge/appDatabase.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const ERROR = 50;

/** What the queue hands the store, batch by batch; `fail` decides each batch's fate first. */
function recordingStore(inner: AskHistoryStore) {
  const batches: AskHistoryWrite[][] = [];
  let fail: (call: number) => 'down' | 'lost-answer' | undefined = () => undefined;
  const store: AskHistoryStore = {
    async write(writes) {
      batches.push([...writes]);
      const fate = fail(batches.length);
      const unreachable = () =>
        Object.assign(new Error('Connection lost: The server closed the connection.'), {
          code: 'PROTOCOL_CONNECTION_LOST',
        });
      if (fate === 'down') throw unreachable();
      const written = await inner.write(writes);
      if (fate === 'lost-answer') throw unreachable();
      return written;
    },
    find: (askId) => inner.find(askId),
  };
  return {
    store,
    batches,
    failWhen(decide: typeof fail) {
      fail = decide;
    },
  };
}

const ask = (n: number, question = `how many people in team ${n}?`): AskInput => ({
  askId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  question,
  datasource: 'default',
  source: 'api',
});

const finished = (n: number): AskOutcome => ({
  status: 'finished',
  sql: `SELECT ${n}`,
  rowCount: 1,
  timings: { total: n },
});

const nextTick = () => new Promise((settle) => setImmediate(settle));

/** SQL run beside the store, as an operator would (a trigger standing for a refusing database). */
async function runSql(backend: Backend, url: string, sql: string): Promise<void> {
  if (backend === 'sqlite') {
    const db = new Database(sqlitePath(url));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const connection = await mysql.createConnection({ uri: url });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

const REFUSE_POISON: Record<Backend, string> = {
  sqlite:
    "CREATE TRIGGER refuse_poison BEFORE INSERT ON asks WHEN NEW.question = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END",
  mariadb:
    "CREATE TRIGGER refuse_poison BEFORE INSERT ON asks FOR EACH ROW BEGIN IF NEW.question = 'poison' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poison refused'; END IF; END",
};

describe.each(BACKENDS)('ask history written in batches on %s', (backend) => {
  let db: AppDatabase;
  let store: KnowledgeStore;
  let history: QueuedAskHistory | undefined;
  let logs: LogLine[];

  beforeAll(async () => {
    db = await createAppDatabase(backend, 'history_batches');
    store = await openKnowledgeStore({ url: db.url, logger: silentLogger });
    await runSql(backend, db.url, REFUSE_POISON[backend]);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    logs = [];
    for (const { id } of (await store.asks.list({ page: 1, page_size: 500 })).items) {
      await store.asks.delete(id);
    }
  });
  afterEach(async () => {
    await history?.close(1000);
    history = undefined;
  });

  const queued = (
    inner: AskHistoryStore,
    storeAnswers: () => Promise<unknown> = () => store.revision(),
  ) => {
    history = createQueuedAskHistory(inner, {
      logger: createLogger('info', 'test', {
        write: (line: string) => logs.push(JSON.parse(line) as LogLine),
      }),
      limit: 10_000,
      storeAnswers,
    });
    return history;
  };
  const written = async (queue: QueuedAskHistory) => {
    await expect.poll(() => queue.pending(), { timeout: 10_000 }).toBe(0);
  };
  /** The history as the console lists it, oldest first. */
  const oldestFirst = async () => {
    const { items, total } = await store.asks.list({ page: 1, page_size: 500 });
    expect(items).toHaveLength(total);
    return [...items].reverse();
  };

  it('writes a burst of asks in one transaction per tick, listed in the order they came', async () => {
    const recorder = recordingStore(createKnowledgeAskHistory(store));
    const queue = queued(recorder.store);
    const asks = Array.from({ length: 300 }, (_, i) => ask(i + 1));
    // All 300 arrive in the same millisecond or two: the list must still keep their order.
    for (const input of asks) void queue.recordStart(input);
    await nextTick();
    for (const [i, input] of asks.entries()) void queue.recordOutcome(input.askId, finished(i + 1));
    await written(queue);

    expect(recorder.batches.map((batch) => batch.map((write) => write.kind))).toEqual([
      asks.map(() => 'start'),
      asks.map(() => 'outcome'),
    ]);
    const rows = await oldestFirst();
    expect(rows.map((row) => [row.id, row.status, row.sql, row.row_count])).toEqual(
      asks.map((input, i) => [input.askId, 'finished', `SELECT ${i + 1}`, 1]),
    );
    expect(rows[299]?.timings).toEqual({ total: 300 });
    const times = rows.map((row) => Date.parse(row.created_at));
    expect(times.every((time, i) => i === 0 || time > (times[i - 1] as number))).toBe(true);
    expect(logs.filter((line) => line.level >= 40)).toEqual([]);
  });

  it('retries a batch the database did not take, or took without answering, and writes each ask once', async () => {
    const recorder = recordingStore(createKnowledgeAskHistory(store));
    // Down for the first attempt; the second commits but its answer is lost on the way back.
    recorder.failWhen((call) => (call === 1 ? 'down' : call === 2 ? 'lost-answer' : undefined));
    // While those batches fail, the store does not answer reads either.
    let probes = 0;
    const queue = queued(recorder.store, async () => {
      probes += 1;
      if (probes <= 2) throw new Error('connect ECONNREFUSED');
      return store.revision();
    });
    const asks = [1, 2, 3].map((n) => ask(n));
    for (const [i, input] of asks.entries()) {
      void queue.recordStart(input);
      void queue.recordOutcome(input.askId, finished(i + 1));
    }
    await written(queue);

    expect(recorder.batches).toHaveLength(3);
    // The same batch each time: nothing dropped, nothing reordered.
    expect(recorder.batches[2]).toEqual(recorder.batches[0]);
    const rows = await oldestFirst();
    expect(rows.map((row) => [row.id, row.status, row.sql])).toEqual(
      asks.map((input, i) => [input.askId, 'finished', `SELECT ${i + 1}`]),
    );
    expect(logs.filter((line) => line.level >= ERROR)).toEqual([]);
    expect(logs.map((line) => line.msg)).toEqual([
      'ask history: the app database is unreachable; writes are queued and retried',
      'ask history: the app database is reachable again; queued writes are being written',
    ]);
  });

  it('gives up only the write the database refuses, keeping the rest of its batch in order', async () => {
    const recorder = recordingStore(createKnowledgeAskHistory(store));
    const queue = queued(recorder.store);
    const asks = [1, 2, 3, 4, 5].map((n) => ask(n, n === 3 ? 'poison' : undefined));
    for (const input of asks) void queue.recordStart(input);
    for (const [i, input] of asks.entries()) void queue.recordOutcome(input.askId, finished(i + 1));
    await written(queue);

    // One batch of ten, refused; then one write at a time, the refused start three times.
    expect(recorder.batches[0]).toHaveLength(10);
    expect(recorder.batches.slice(1).every((batch) => batch.length === 1)).toBe(true);
    const rows = await oldestFirst();
    expect(rows.map((row) => [row.id, row.status, row.sql])).toEqual(
      [1, 2, 4, 5].map((n) => [ask(n).askId, 'finished', `SELECT ${n}`]),
    );
    const poison = ask(3).askId;
    expect(
      logs.filter((line) => line.level >= ERROR).map((line) => [line.msg, line.askIds]),
    ).toEqual([
      ['ask history lost: the app database refused the start of an ask', [poison]],
      ['ask history lost: the app database refused the outcome of an ask', [poison]],
    ]);
  });
});
