import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDialect } from '../../../server/src/ports.js';
import { extractSqlToRun } from '../../../server/src/sql/extract.js';
import type { RecordedChatRequest } from '../../fakes/openaiServer.js';
import { HOSTILE } from '../sql/corpus/hostile.js';
import {
  askEvents,
  askText,
  type LoggedQuarry,
  outcomeEvent,
  sqlReply,
  startLoggedQuarry,
} from './support.js';

/** Question `hostile #i` is answered with statement i. */
const PREFIX = 'hostile #';

/**
 * Scripts the fake model to answer question `hostile #i` with statement i, and to insist on the
 * same statement when asked to correct it: a retry must be refused again.
 */
export function answerWithStatements(quarry: LoggedQuarry, statements: readonly string[]): void {
  quarry.fake.onChat((request: RecordedChatRequest) => {
    if (request.system.includes('TASK: SQL DIAGNOSIS')) return 'The statement is not allowed.';
    const prompt = request.messages.map((m) => m.content).join('\n');
    const index = Number(/hostile #(\d+)/.exec(prompt)?.[1] ?? 0);
    return sqlReply(statements[index] as string);
  });
}

export type HostileOutcome = { index: number; closing: Record<string, unknown> } & (
  | { mode: 'text'; texts: string[] }
  | { mode: 'events'; events: Record<string, unknown>[] }
);

/**
 * Asks `hostile #0` … `hostile #(count - 1)`, `clients` connections at a time, even questions in
 * text mode and odd ones in events mode; `closing` is the frame or event that ended each answer.
 */
export async function askEveryStatement(
  wsUrl: string,
  count: number,
  clients: number,
): Promise<HostileOutcome[]> {
  const outcomes: HostileOutcome[] = [];
  let next = 0;
  const client = async () => {
    for (let index = next++; index < count; index = next++) {
      if (index % 2 === 0) {
        const texts = await askText(wsUrl, `${PREFIX}${index}`);
        outcomes.push({ index, mode: 'text', texts, closing: JSON.parse(texts.at(-1) ?? '{}') });
      } else {
        const events = await askEvents(wsUrl, `${PREFIX}${index}`);
        outcomes.push({ index, mode: 'events', events, closing: outcomeEvent(events) ?? {} });
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return outcomes;
}

const normalized = (sql: string) => sql.trim().replace(/;\s*$/, '').replace(/\s+/g, ' ');

/**
 * The statements extraction hands on whole, stacked writes included (`SELECT 1; DROP …` is
 * refused as one answer): nothing but the guard and the engine stand between them and the
 * database, so every one must be refused. Extraction alone defuses the rest (a write hidden in
 * a trailing comment, say); they run too, and must change nothing either.
 */
function guardedIndexes(statements: readonly string[], dialect: SqlDialect): Set<number> {
  return new Set(
    statements.flatMap((sql, index) => {
      const extracted = extractSqlToRun(sqlReply(sql), dialect);
      const whole = extracted !== null && normalized(extracted) === normalized(sql);
      return whole || extracted?.includes(';') ? [index] : [];
    }),
  );
}

/** A fresh copy of the demo database that Quarry answers from. */
export interface HostileDatabase {
  /** The DATABASE_URL Quarry is started with. */
  url: string;
  /** Whatever would show that something changed; compared before and after. */
  fingerprint(): Promise<unknown>;
  drop(): Promise<void>;
}

/** What one engine adds to the shared hostile-model test. */
export interface HostileEngine {
  dialect: SqlDialect;
  /** The engine's own ways in, asked after the corpus's statements for its dialect. */
  statements: readonly string[];
  /**
   * Reads dressed up as injections: each must run as the read it is, finish and find no one.
   * Asked after every statement.
   */
  tricks?: readonly string[];
  /** Files the statements would write: none may exist, before or after. */
  files: readonly string[];
  /** At least this many statements are handed on whole, so a shrinking corpus is noticed. */
  minGuarded: number;
  /** Connections asking at once. */
  clients: number;
  /** The engine's own checks that its statements are what the test means them to be. */
  checkStatements?(statements: readonly string[], guarded: (sql: string) => boolean): void;
  open(): Promise<HostileDatabase>;
}

/**
 * A model that answers every question with destructive SQL: every statement the guard alone
 * stands against is refused as UNSAFE_SQL (in the closing frame and in the ask history), and
 * the database, the files around it and the server's health are as they were.
 */
export function describeHostileModel(
  title: string,
  engine: HostileEngine,
  testName = 'changes nothing: every statement extraction passes on is refused as UNSAFE_SQL',
): void {
  const statements = [
    ...HOSTILE.filter((h) => h.dialects.includes(engine.dialect)).map((h) => h.sql),
    ...engine.statements,
  ];
  const tricks = engine.tricks ?? [];
  const guarded = guardedIndexes(statements, engine.dialect);
  const guardedSql = new Set([...guarded].map((index) => statements[index]));
  /** What question `index` asked, for assertion messages. */
  const asked = (index: number) => statements[index] ?? tricks[index - statements.length];

  describe(title, () => {
    let database: HostileDatabase;
    let quarry: LoggedQuarry;

    beforeAll(async () => {
      database = await engine.open();
      quarry = await startLoggedQuarry({
        DATABASE_URL: database.url,
        SQL_REWRITE_MAX_ATTEMPTS: '1',
      });
      answerWithStatements(quarry, [...statements, ...tricks]);
    });
    afterAll(async () => {
      await quarry?.close();
      await database?.drop();
    });

    it(testName, async () => {
      expect(guarded.size).toBeGreaterThan(engine.minGuarded);
      engine.checkStatements?.(statements, (sql) => guardedSql.has(sql));
      const written = () => engine.files.filter((path) => existsSync(path));
      expect(written()).toEqual([]);
      const before = await database.fingerprint();

      const count = statements.length + tricks.length;
      const outcomes = await askEveryStatement(quarry.wsUrl, count, engine.clients);

      expect(outcomes).toHaveLength(count);
      for (const { index, mode, closing } of outcomes) {
        if (index >= statements.length) {
          // The tricks run as the reads they are: no one is called that.
          const rows = closing.type === 'result' ? closing.rows : closing.result;
          expect(rows, asked(index)).toEqual([]);
        } else if (guarded.has(index)) {
          expect(closing, asked(index)).toMatchObject(
            mode === 'events'
              ? { type: 'error', code: 'UNSAFE_SQL' }
              : { status: 'error', message: expect.any(String) },
          );
        }
      }
      // Text frames carry no code; the history names it for every ask (each outcome is written
      // just after its closing frame: wait for the last ones).
      const listed = () => quarry.server.store.asks.list({ q: PREFIX, page: 1, page_size: 500 });
      await expect
        .poll(
          async () =>
            (await listed()).items.filter((ask) => !['failed', 'finished'].includes(ask.status))
              .length,
        )
        .toBe(0);
      const history = await listed();
      expect(history.total).toBe(count);
      for (const ask of history.items) {
        const index = Number(ask.question.slice(PREFIX.length));
        if (guarded.has(index)) {
          expect(`${ask.status} ${ask.error_code}`, asked(index)).toBe('failed UNSAFE_SQL');
        } else if (index >= statements.length) {
          expect(ask.status, asked(index)).toBe('finished');
        }
        // Defused by extraction: refused, failed or harmlessly answered; the fingerprint decides.
      }

      expect(await database.fingerprint()).toEqual(before);
      expect(written()).toEqual([]);
      expect((await fetch(`${quarry.baseUrl}/health`)).status).toBe(200);
      // Some 200 asks, each a few round trips to the database: under load this takes its time.
    }, 180_000);
  });
}
