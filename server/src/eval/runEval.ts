import type { AskEvent } from '@quarry/shared';
import type { Config } from '../config.js';
import { openDataSource } from '../datasources/index.js';
import type { Logger } from '../logger.js';
import { runAsk } from '../pipeline/orchestrator.js';
import type { PipelineDeps } from '../pipeline/types.js';
import type { DataSource, Embedder, LlmClient } from '../ports.js';
import { createRetrievalService } from '../retrieval/retrievalService.js';
import { sameResult } from './compare.js';
import { spiderDatabasePath } from './spider.js';

export interface EvalQuestion {
  db_id: string;
  question: string;
  query: string;
}

export interface EvalOutcome {
  index: number;
  db_id: string;
  question: string;
  gold: string;
  predicted?: string;
  correct: boolean;
  /** Why it missed: the ask's error, or the gold query's own failure. */
  error?: string;
  ms: number;
}

export interface EvalReport {
  total: number;
  correct: number;
  accuracy: number;
  errors: number;
  byDatabase: Record<string, { total: number; correct: number }>;
  outcomes: EvalOutcome[];
}

/** Rows read per query for comparison; Spider's largest gold results are a few thousand rows. */
const ROW_LIMIT = 100_000;

/**
 * Runs each question through the real ask flow (with no admin knowledge: no SQL pairs,
 * instructions or dictionaries) against its Spider database, runs the gold SQL there too, and
 * compares the results by Spider's execution-accuracy convention.
 */
export async function runEval(deps: {
  datasetDir: string;
  questions: readonly EvalQuestion[];
  settings: Config['ask'];
  llm: LlmClient;
  embedder?: Embedder | undefined;
  logger: Logger;
  concurrency: number;
  onOutcome?: (outcome: EvalOutcome) => void;
}): Promise<EvalReport> {
  const sources = new Map<string, DataSource>();
  const dataSource = async (db: string) => {
    let source = sources.get(db);
    if (!source) {
      source = openDataSource(`sqlite:${spiderDatabasePath(deps.datasetDir, db)}`, {
        logger: deps.logger,
      });
      sources.set(db, source);
    }
    return source;
  };
  const tables = new Map<string, ReturnType<DataSource['describe']>>();
  const schema = (db: string) => {
    let described = tables.get(db);
    if (!described) {
      described = dataSource(db).then((source) => source.describe());
      tables.set(db, described);
    }
    return described;
  };
  const pipeline: PipelineDeps = {
    settings: deps.settings,
    llm: deps.llm,
    retrieval: createRetrievalService({
      sources: {
        knowledge: async () => ({
          revision: 0,
          sqlPairs: [],
          instructions: [],
          descriptions: () => [],
        }),
        tables: schema,
        dataSource,
      },
      embedder: deps.embedder,
      logger: deps.logger,
    }),
    dataSource,
    schema,
    accessRules: async () => ({}),
    // Spider has no semantic layer: SQL runs as the model wrote it.
    semanticCatalog: async () => ({ calculatedFields: [], metrics: [], columns: new Map() }),
    knowledge: {
      abbreviationDictionaries: async () => ({ department: new Map(), project: new Map() }),
      findVerifiedSql: async () => undefined,
      threadTurns: async () => [],
    },
    logger: deps.logger,
    now: () => new Date(),
  };

  const outcomes: EvalOutcome[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < deps.questions.length; index = next++) {
      const outcome = await evaluate(
        pipeline,
        dataSource,
        deps.questions[index] as EvalQuestion,
        index,
      );
      outcomes.push(outcome);
      deps.onOutcome?.(outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));
  } finally {
    await Promise.all([...sources.values()].map((source) => source.close()));
  }
  outcomes.sort((a, b) => a.index - b.index);
  const byDatabase: EvalReport['byDatabase'] = {};
  for (const outcome of outcomes) {
    const entry = byDatabase[outcome.db_id] ?? { total: 0, correct: 0 };
    byDatabase[outcome.db_id] = entry;
    entry.total += 1;
    if (outcome.correct) entry.correct += 1;
  }
  const correct = outcomes.filter((outcome) => outcome.correct).length;
  return {
    total: outcomes.length,
    correct,
    accuracy: outcomes.length === 0 ? 0 : correct / outcomes.length,
    errors: outcomes.filter((outcome) => outcome.error !== undefined).length,
    byDatabase,
    outcomes,
  };
}

async function evaluate(
  pipeline: PipelineDeps,
  dataSource: (db: string) => Promise<DataSource>,
  question: EvalQuestion,
  index: number,
): Promise<EvalOutcome> {
  const started = performance.now();
  const base = { index, db_id: question.db_id, question: question.question, gold: question.query };
  let result: Extract<AskEvent, { type: 'result' }> | undefined;
  let failure: string | undefined;
  await runAsk(
    pipeline,
    {
      askId: `eval-${index}`,
      question: question.question,
      datasource: question.db_id,
      source: 'api',
      // Accuracy is judged on the rows alone: an answer, chart or follow-ups would be a model
      // call per question paid for nothing.
      parts: [],
    },
    (event) => {
      if (event.type === 'result') result = event;
      if (event.type === 'error') failure = `${event.code}: ${event.message}`;
    },
    new AbortController().signal,
  );
  const ms = Math.round(performance.now() - started);
  if (!result) return { ...base, correct: false, error: failure ?? 'no result', ms };
  try {
    const source = await dataSource(question.db_id);
    const gold = await source.execute(question.query, { rowLimit: ROW_LIMIT, timeoutMs: 60_000 });
    const toValues = (rows: typeof gold.rows, columns: readonly string[]) =>
      rows.map((row) => columns.map((column) => row[column] ?? null));
    const correct = sameResult(
      toValues(result.rows, result.columns),
      toValues(gold.rows, gold.columns),
      question.query,
    );
    return { ...base, predicted: result.sql, correct, ms };
  } catch (error) {
    return {
      ...base,
      predicted: result.sql,
      correct: false,
      error: `gold query failed: ${(error as Error).message}`,
      ms,
    };
  }
}
