import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactMismatch } from '../../../server/src/eval/oracle/exact.js';
import { type OracleReport, runOracle } from '../../../server/src/eval/oracle/oracle.js';
import {
  createMysqlTarget,
  createSqliteTarget,
  type OracleTarget,
} from '../../../server/src/eval/oracle/targets.js';
import type { EvalQuestion } from '../../../server/src/eval/runEval.js';
import { loadSpiderQuestions, SPIDER_DIR } from '../../../server/src/eval/spider.js';
import { MARIADB_ROOT_URL } from '../../support/mariadb.js';

/** Runs the oracle and says which questions failed, with why, so a failure reads at once. */
async function oracle(
  target: OracleTarget,
  questions: EvalQuestion[],
  mode: 'text' | 'events',
): Promise<OracleReport> {
  try {
    return await runOracle({ questions, target, mode, concurrency: 2 });
  } finally {
    await target.close();
  }
}

const failures = (report: OracleReport) =>
  report.outcomes
    .filter((outcome) => outcome.verdict === 'failed')
    .map((outcome) => `${outcome.failure}: ${outcome.gold} → ${outcome.detail}`);

describe('the oracle: a model that writes the gold SQL gets the gold rows', () => {
  it('on Spider SQLite databases (orchestra, concert_singer, pets_1), in text mode', async () => {
    const databases = ['orchestra', 'concert_singer', 'pets_1'];
    const questions = (await loadSpiderQuestions()).filter((q) => databases.includes(q.db_id));
    const report = await oracle(await createSqliteTarget(SPIDER_DIR), questions, 'text');
    expect(failures(report)).toEqual([]);
    // Every gold query runs in the sqlite3 shell, including `SELECT … FROM SHOW` and
    // `WHERE name = "France"`-style strings, and every one got the shell's rows.
    expect(report).toMatchObject({ engine: 'sqlite', skipped: 0, passed: questions.length });
    expect(questions.some((q) => /\bFROM\s+SHOW\b/i.test(q.query))).toBe(true);
    expect(questions.some((q) => /=\s*"[^"]+"/.test(q.query))).toBe(true);
  }, 180_000);

  it('on Spider orchestra loaded into MariaDB, in events mode: MariaDB own rows', async () => {
    const questions = (await loadSpiderQuestions()).filter((q) => q.db_id === 'orchestra');
    const prefix = `qt_oracle_${randomBytes(4).toString('hex')}_`;
    const report = await oracle(
      await createMysqlTarget(MARIADB_ROOT_URL, SPIDER_DIR, { prefix }),
      questions,
      'events',
    );
    expect(failures(report)).toEqual([]);
    expect(report.engine).toBe('mariadb');
    // Skipped: gold queries MariaDB refuses (a table spelled in another case than created, with
    // lower_case_table_names = 0; `FROM SHOW`, a reserved word) and those whose answer the SQL
    // leaves open (ties under ORDER BY, broken differently per connection). The rest all pass.
    expect(report.passed).toBeGreaterThan(questions.length / 2);
    for (const outcome of report.outcomes.filter((o) => o.verdict === 'skipped')) {
      expect(outcome.detail).toMatch(/doesn't exist|SQL syntax|not determined by the SQL/);
    }
  }, 120_000);

  describe('on a Chinese-identifier SQLite database', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'quarry-oracle-cn-'));
      await mkdir(join(dir, 'database', 'universities'), { recursive: true });
      const db = new Database(join(dir, 'database', 'universities', 'universities.sqlite'));
      db.exec(
        await readFile(join(import.meta.dirname, 'fixtures/chinese_universities.sql'), 'utf8'),
      );
      db.close();
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const GOLD: [string, string][] = [
      [
        '本科生和研究生一共一万人的高校',
        'select 名称 , 类别 from 高校 where 本科生数量 + 研究生数量 == 10000',
      ],
      ['不是综合类的高校', "SELECT 名称 FROM 高校 WHERE 类别 <> '综合' ORDER BY 编号"],
      ['1950年前成立的高校和城市', 'SELECT `名称`, `城市` FROM `高校` WHERE `founded_year` < 1950'],
      [
        '每所高校的学院数',
        'SELECT T1.名称 , count(*) FROM 高校 AS T1 JOIN 学院 AS T2 ON T1.编号 = T2.高校编号 GROUP BY T1.编号 ORDER BY count(*) DESC , T1.名称',
      ],
      [
        '预算超过500万元的非医学院院长',
        'SELECT dean_姓名 FROM 学院 WHERE budget万元 > 500 AND 学院名称 != "医学院"',
      ],
      ['北方大学学院的平均预算', 'SELECT avg(budget万元) FROM 学院 WHERE 高校编号 == 1'],
      [
        '王姓院长的学院（东海理工以外）',
        "select 学院名称 from 学院 where dean_姓名 like '王%' and 高校编号 <> 2",
      ],
      ['北京或上海的高校数量', `SELECT count(*) FROM 高校 WHERE 城市 == "北京" OR 城市 = '上海'`],
      [
        '各类别高校的学生总数',
        'SELECT `类别`, sum(本科生数量 + 研究生数量) AS 学生总数 FROM `高校` GROUP BY `类别` HAVING 学生总数 <> 0 ORDER BY 学生总数 DESC',
      ],
    ];

    it('passes every question in both modes', async () => {
      const questions = GOLD.map(([question, query]) => ({
        db_id: 'universities',
        question,
        query,
      }));
      for (const mode of ['text', 'events'] as const) {
        const report = await oracle(await createSqliteTarget(dir), questions, mode);
        expect(failures(report)).toEqual([]);
        expect(report).toMatchObject({ passed: GOLD.length, skipped: 0 });
      }
    }, 120_000);

    it('reports what Quarry refuses and what the shell cannot run, each in its class', async () => {
      const questions = [
        // The shell reads a PRAGMA; Quarry runs only SELECTs.
        { db_id: 'universities', question: '学院表有哪些列', query: 'PRAGMA table_info(学院)' },
        { db_id: 'universities', question: '不存在的列', query: 'SELECT 校长 FROM 高校' },
        { db_id: 'universities', question: '高校数量', query: 'SELECT count(*) FROM 高校' },
      ];
      const report = await oracle(await createSqliteTarget(dir), questions, 'text');
      expect(report).toMatchObject({ passed: 1, failed: 1, skipped: 1, byFailure: { refused: 1 } });
      expect(report.outcomes[0]).toMatchObject({ verdict: 'failed', failure: 'refused' });
      expect(report.outcomes[1]).toMatchObject({
        verdict: 'skipped',
        detail: expect.stringContaining('no such column'),
      });
    }, 60_000);
  });
});

describe('exact comparison', () => {
  const gold = { columns: ['name', 'name', 'avg'], rows: [['a', 'b', 2.5]] };
  it('wants the names Quarry gives repeated columns, and exact text', () => {
    const rows = [{ name: 'a', name_2: 'b', avg: 2.5 }];
    expect(exactMismatch({ columns: ['name', 'name_2', 'avg'], rows }, gold, false, false)).toBe(
      null,
    );
    expect(exactMismatch({ columns: ['name', 'name', 'avg'], rows }, gold, false, false)).toMatch(
      /columns/,
    );
    const renamed = [{ name: 'a', name_2: 'B', avg: 2.5 }];
    expect(exactMismatch({ columns: null, rows: renamed }, gold, false, false)).not.toBeNull();
  });
  it("matches a MySQL decimal's text only with the number that spells it", () => {
    const decimal = { columns: ['x'], rows: [['2.5000']] };
    expect(exactMismatch({ columns: ['x'], rows: [{ x: 2.5 }] }, decimal, false, true)).toBe(null);
    expect(
      exactMismatch({ columns: ['x'], rows: [{ x: 2.5000001 }] }, decimal, false, true),
    ).not.toBe(null);
    // Without the MySQL convention, text is text.
    expect(exactMismatch({ columns: ['x'], rows: [{ x: 2.5 }] }, decimal, false, false)).not.toBe(
      null,
    );
  });
  it('lets reals differ in the last bits only, and rows in order only without ORDER BY', () => {
    const real = { columns: ['x'], rows: [[28.862318840579714], [1]] };
    const mine = [{ x: 1 }, { x: 28.86231884057971 }];
    expect(exactMismatch({ columns: ['x'], rows: mine }, real, false, false)).toBe(null);
    expect(exactMismatch({ columns: ['x'], rows: mine }, real, true, false)).toMatch(/row 1/);
    expect(
      exactMismatch({ columns: ['x'], rows: [{ x: 1 }, { x: 28.8623188406 }] }, real, false, false),
    ).not.toBe(null);
  });
});
