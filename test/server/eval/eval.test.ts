import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../server/src/config.js';
import { sameResult } from '../../../server/src/eval/compare.js';
import { runEval } from '../../../server/src/eval/runEval.js';
import { loadSpiderQuestions, SPIDER_DIR } from '../../../server/src/eval/spider.js';
import { createOpenAiClient } from '../../../server/src/llm/openaiClient.js';
import { createLogger } from '../../../server/src/logger.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../fakes/openaiServer.js';

describe('execution accuracy comparison', () => {
  it('ignores column order and, without ORDER BY, row order', () => {
    expect(
      sameResult(
        [
          [1, 'a'],
          [2, 'b'],
        ],
        [
          ['b', 2],
          ['a', 1],
        ],
        'SELECT x, y FROM t',
      ),
    ).toBe(true);
  });
  it('compares row order when the gold query orders', () => {
    expect(sameResult([[2], [1]], [[1], [2]], 'SELECT x FROM t ORDER BY x')).toBe(false);
    expect(sameResult([[1], [2]], [[1], [2]], 'SELECT x FROM t order  by x')).toBe(true);
  });
  it('treats rows as a multiset and numbers by value', () => {
    expect(sameResult([[1], [1], [2]], [[1], [2], [2]], 'SELECT x FROM t')).toBe(false);
    expect(sameResult([[3.0]], [['3']], 'SELECT COUNT(*) FROM t')).toBe(true);
    expect(sameResult([[1, 2]], [[1]], 'SELECT x FROM t')).toBe(false);
  });
});

describe('npm run eval on Spider dev', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ models: ['eval-model'] });
  });
  afterAll(() => fake.close());

  const run = async (answer: (gold: string) => string) => {
    const questions = (await loadSpiderQuestions())
      .filter((q) => q.db_id === 'concert_singer')
      .slice(0, 6);
    const byQuestion = new Map(questions.map((q) => [q.question, q.query]));
    fake.onChat((request) => {
      const question = /Question: (.*)/.exec(request.lastUser)?.[1] ?? '';
      return `\`\`\`sql\n${answer(byQuestion.get(question) ?? 'SELECT 1')}\n\`\`\``;
    });
    const config = parseConfig({
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: 'k',
      ASK_INTENT_CLASSIFICATION: 'false',
      ASK_REASONING: 'false',
      SQL_REWRITE_MAX_ATTEMPTS: '0',
      LLM_MAX_RETRIES: '0',
    });
    const logger = createLogger('silent');
    return runEval({
      datasetDir: SPIDER_DIR,
      questions,
      settings: { ...config.ask, rowLimit: 100_000 },
      llm: createOpenAiClient({ config: config.llm, logger }),
      logger,
      concurrency: 2,
    });
  };

  it('scores a model that writes the gold SQL at 100%', async () => {
    const report = await run((gold) => gold);
    expect(report).toMatchObject({ total: 6, correct: 6, accuracy: 1, errors: 0 });
    expect(report.byDatabase.concert_singer).toEqual({ total: 6, correct: 6 });
  });

  it('scores wrong or failing SQL as misses, with the reason', async () => {
    const report = await run((gold) =>
      /count\s*\(/i.test(gold) ? 'SELECT count(*) + 1 FROM singer' : 'SELECT nope FROM singer',
    );
    expect(report.correct).toBe(0);
    expect(report.outcomes.some((outcome) => outcome.error?.startsWith('DRY_RUN_FAILED'))).toBe(
      true,
    );
  });
});
