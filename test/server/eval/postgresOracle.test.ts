import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runOracle } from '../../../server/src/eval/oracle/oracle.js';
import { createPostgresTarget } from '../../../server/src/eval/oracle/postgresTarget.js';
import { loadSpiderQuestions, SPIDER_DIR } from '../../../server/src/eval/spider.js';
import { POSTGRES_ROOT_URL } from '../../support/postgres.js';

describe('the oracle on PostgreSQL: a model that writes the gold SQL gets PostgreSQL’s own rows', () => {
  it('on Spider concert_singer, pets_1 and orchestra loaded into PostgreSQL, in both modes', async () => {
    const databases = ['concert_singer', 'pets_1', 'orchestra'];
    const questions = (await loadSpiderQuestions()).filter((q) => databases.includes(q.db_id));
    const prefix = `qt_oracle_${randomBytes(4).toString('hex')}_`;
    for (const mode of ['events', 'text'] as const) {
      const target = await createPostgresTarget(POSTGRES_ROOT_URL, SPIDER_DIR, { prefix });
      const report = await runOracle({ questions, target, mode, concurrency: 2 }).finally(() =>
        target.close(),
      );
      const failures = report.outcomes
        .filter((outcome) => outcome.verdict === 'failed')
        .map((outcome) => `${outcome.failure}: ${outcome.gold} → ${outcome.detail}`);
      expect(failures, mode).toEqual([]);
      expect(report.engine).toBe('postgresql');
      // Every gold query PostgreSQL accepts passed; the rest are SQLite-isms PostgreSQL refuses
      // ("…" strings, text compared with numbers, loose GROUP BY) or ties its ORDER BY leaves open.
      expect(report.passed + report.skipped).toBe(questions.length);
      expect(report.passed).toBeGreaterThan(questions.length / 2);
      for (const outcome of report.outcomes.filter((o) => o.verdict === 'skipped')) {
        expect(outcome.detail).toMatch(
          /does not exist|GROUP BY clause|syntax error|operator|not determined by the SQL|invalid input/,
        );
      }
    }
    // Every database the oracle loaded was dropped again.
    const admin = new pg.Client({ connectionString: `${POSTGRES_ROOT_URL}/postgres` });
    await admin.connect();
    try {
      const left = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
        `${prefix}%`,
      ]);
      expect(left.rows).toEqual([]);
    } finally {
      await admin.end();
    }
  }, 240_000);
});
