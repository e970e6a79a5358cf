import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultRow } from '@quarry/shared';
import { parseConfig } from '../../config.js';
import { createLogger, type Logger } from '../../logger.js';
import { type RunningServer, startQuarryServer } from '../../server.js';
import { sameResult } from '../compare.js';
import type { EvalQuestion } from '../runEval.js';
import { startScriptedModel } from '../scriptedModel.js';
import { askOverWs, type OracleMode, type WsAnswer } from './askOverWs.js';
import { exactMismatch } from './exact.js';
import type { GoldResult } from './gold.js';
import type { OracleTarget } from './targets.js';

export type { OracleMode } from './askOverWs.js';

/** Why Quarry lost a question whose gold SQL its engine runs. */
export type FailureClass =
  | 'refused'
  | 'not runnable'
  | 'timeout'
  | 'no sql'
  | 'wrong rows'
  | 'inexact values'
  | 'capped'
  | 'other';

export interface OracleOutcome {
  index: number;
  db_id: string;
  question: string;
  gold: string;
  /**
   * skipped: the gold SQL does not run on the gold side (the engine refuses it), or the
   * engine's own answer to it varies between connections and Quarry's is none of those seen.
   */
  verdict: 'passed' | 'failed' | 'skipped';
  failure?: FailureClass;
  /** Quarry's error, the difference found, or the gold side's error. */
  detail?: string;
  /** The SQL Quarry ran. */
  sql?: string;
}

export interface OracleReport {
  engine: string;
  gold: string;
  mode: OracleMode;
  passed: number;
  failed: number;
  skipped: number;
  byFailure: Partial<Record<FailureClass, number>>;
  /** Per database, what loading it into the engine left out. */
  loadWarnings: Record<string, string[]>;
  outcomes: OracleOutcome[];
}

const ORDERED = /\border\s+by\b/i;
/** How a skip for an answer the engine itself leaves open begins (reports count these). */
export const UNDETERMINED = "the engine's own answer is not determined by the SQL";
/** Fresh gold runs before a mismatch counts as Quarry's. */
const GOLD_RERUNS = 8;

/**
 * The oracle: a scripted model answers every question with its gold SQL, so every loss is
 * Quarry's own. For each database, one real Quarry server (its data source the target's
 * database, its model the scripted endpoint, no correction rounds) is asked each question
 * through /ws as a client would; the gold SQL runs on the target's gold side; the two results
 * are compared as Spider does (multiset of rows, order only when the gold orders) and exactly.
 * Databases run `concurrency` at a time, each one's questions one after another.
 */
export async function runOracle(options: {
  questions: readonly EvalQuestion[];
  target: OracleTarget;
  mode: OracleMode;
  concurrency: number;
  questionTimeoutMs?: number;
  logger?: Logger;
  onOutcome?: (outcome: OracleOutcome) => void;
}): Promise<OracleReport> {
  const byDatabase = new Map<string, { question: EvalQuestion; index: number }[]>();
  for (const [index, question] of options.questions.entries()) {
    byDatabase.set(question.db_id, [
      ...(byDatabase.get(question.db_id) ?? []),
      { question, index },
    ]);
  }
  const outcomes: OracleOutcome[] = [];
  const loadWarnings: Record<string, string[]> = {};
  const databases = [...byDatabase.keys()];
  let next = 0;
  const worker = async () => {
    for (let at = next++; at < databases.length; at = next++) {
      const db = databases[at] as string;
      const { url, warnings } = await options.target.load(db);
      if (warnings.length > 0) loadWarnings[db] = warnings;
      try {
        await askDatabase(url, byDatabase.get(db) ?? [], options, (outcome) => {
          outcomes.push(outcome);
          options.onOutcome?.(outcome);
        });
      } finally {
        await options.target.unload(db);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  outcomes.sort((a, b) => a.index - b.index);
  const byFailure: OracleReport['byFailure'] = {};
  for (const outcome of outcomes) {
    if (outcome.failure) byFailure[outcome.failure] = (byFailure[outcome.failure] ?? 0) + 1;
  }
  const count = (verdict: OracleOutcome['verdict']) =>
    outcomes.filter((outcome) => outcome.verdict === verdict).length;
  return {
    engine: options.target.engine,
    gold: options.target.gold.description,
    mode: options.mode,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    byFailure,
    loadWarnings,
    outcomes,
  };
}

async function askDatabase(
  url: string,
  questions: readonly { question: EvalQuestion; index: number }[],
  options: Parameters<typeof runOracle>[0],
  record: (outcome: OracleOutcome) => void,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'quarry-oracle-'));
  const model = await startScriptedModel();
  let server: RunningServer | undefined;
  try {
    const config = parseConfig({
      PORT: '0',
      DATABASE_URL: url,
      APP_DATABASE_URL: `sqlite:${join(dir, 'app.sqlite')}`,
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: 'oracle',
      ADMIN_TOKEN: 'oracle-admin-token-0123456789',
      // Only generation asks the model: no other stage may stand between gold SQL and the rows.
      ASK_INTENT_CLASSIFICATION: 'false',
      ASK_REASONING: 'false',
      ASK_ANSWER: 'false',
      ASK_CHART: 'false',
      ASK_FOLLOW_UPS: 'false',
      SQL_REWRITE_MAX_ATTEMPTS: '0',
      SCHEMA_TOKEN_BUDGET: '200000',
      LLM_MAX_RETRIES: '0',
      // Results are compared whole: the cap must not cut them.
      QUERY_ROW_LIMIT: '1000000',
      LOG_LEVEL: 'silent',
    });
    server = await startQuarryServer(config, options.logger ?? createLogger('silent'), {
      print: () => undefined,
      demoDatabasePath: join(dir, 'demo.sqlite'),
    });
    const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
    for (const { question, index } of questions) {
      const base = {
        index,
        db_id: question.db_id,
        question: question.question,
        gold: question.query,
      };
      let gold: GoldResult;
      try {
        gold = await options.target.gold.run(question.db_id, question.query);
      } catch (error) {
        record({ ...base, verdict: 'skipped', detail: (error as Error).message });
        continue;
      }
      model.answer(`\`\`\`sql\n${question.query}\n\`\`\``);
      const answer = await askOverWs(
        wsUrl,
        question.question,
        options.mode,
        options.questionTimeoutMs ?? 120_000,
      );
      const code = answer.ok || answer.code !== undefined ? undefined : await lastErrorCode(server);
      const decimalsAsText = options.target.gold.decimalsAsText;
      let failure = judge(answer, code, gold, question.query, decimalsAsText);
      let undetermined = false;
      if (failure?.failure === 'wrong rows' || failure?.failure === 'inexact values') {
        // Another client may get another answer where the SQL leaves it open (ties under
        // ORDER BY … LIMIT, on MariaDB a per-connection matter): any of the engine's own
        // answers is right; one that varies and never matches is not Quarry's to lose.
        for (let round = 0; round < GOLD_RERUNS && failure !== null; round += 1) {
          const again = await options.target.gold.rerun(question.db_id, question.query);
          if (JSON.stringify(again) !== JSON.stringify(gold)) undetermined = true;
          if (judge(answer, code, again, question.query, decimalsAsText) === null) failure = null;
        }
      }
      const tiesOnly =
        failure !== null && onlyTiedOrderDiffers(answer, gold, question.query, decimalsAsText);
      if (failure !== null && (undetermined || tiesOnly)) {
        record({
          ...base,
          verdict: 'skipped',
          detail: `${UNDETERMINED} (${undetermined ? 'it varies between connections' : 'the same rows, in another order of rows its ORDER BY leaves tied'}); Quarry's: ${failure.detail}`,
          ...(answer.ok ? { sql: answer.sql } : {}),
        });
        continue;
      }
      record({
        ...base,
        verdict: failure === null ? 'passed' : 'failed',
        ...(failure ?? {}),
        ...(answer.ok ? { sql: answer.sql } : {}),
      });
    }
  } finally {
    await server?.close();
    await model.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Text mode's error frame carries no code: the ask history records it. Asks run one at a time
 * per server, so the newest ask is this one; its outcome is written just after the frame.
 */
async function lastErrorCode(server: RunningServer): Promise<string | undefined> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const [ask] = (await server.store.asks.list({ page: 1, page_size: 1 })).items;
    if (ask && ['failed', 'finished', 'stopped'].includes(ask.status)) {
      return ask.error_code ?? undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

/**
 * True when Quarry ran the gold SQL unchanged and got exactly the gold's rows, only in another
 * order although the gold orders: the engine's ORDER BY left those rows tied (MariaDB breaks
 * ties differently from one connection to the next). Quarry hands rows on in the order the
 * engine sent them, which the SQLite oracle checks strictly on an engine that is deterministic.
 */
function onlyTiedOrderDiffers(
  answer: WsAnswer,
  gold: GoldResult,
  goldSql: string,
  decimalsAsText: boolean,
): boolean {
  if (!answer.ok || !ORDERED.test(goldSql)) return false;
  const bare = (sql: string) => sql.trim().replace(/[\s;]+$/, '');
  if (bare(answer.sql) !== bare(goldSql)) return false;
  return exactMismatch(answer, gold, false, decimalsAsText) === null;
}

function judge(
  answer: WsAnswer,
  textModeCode: string | undefined,
  gold: GoldResult,
  goldSql: string,
  decimalsAsText: boolean,
): { failure: FailureClass; detail: string } | null {
  if (!answer.ok) {
    const code = answer.code ?? textModeCode;
    const failure: FailureClass =
      code === 'TIMEOUT' || /exceeded the .* time limit/.test(answer.message)
        ? 'timeout'
        : code === 'UNSAFE_SQL'
          ? 'refused'
          : code === 'DRY_RUN_FAILED' || code === 'SQL_EXECUTION_FAILED'
            ? 'not runnable'
            : code === 'SQL_GENERATION_FAILED'
              ? 'no sql'
              : 'other';
    return { failure, detail: `${code ?? 'error'}: ${answer.message}` };
  }
  if (answer.capped) return { failure: 'capped', detail: `capped at ${answer.rows.length} rows` };
  const values = (row: ResultRow) =>
    answer.columns === null ? Object.values(row) : answer.columns.map((name) => row[name] ?? null);
  if (!sameResult(answer.rows.map(values), gold.rows, goldSql)) {
    return {
      failure: 'wrong rows',
      detail: `${answer.rows.length} rows, first ${JSON.stringify(answer.rows[0] ?? null)}; gold ${gold.rows.length}, first ${JSON.stringify(gold.rows[0] ?? null)}`,
    };
  }
  const mismatch = exactMismatch(answer, gold, ORDERED.test(goldSql), decimalsAsText);
  return mismatch === null ? null : { failure: 'inexact values', detail: mismatch };
}
