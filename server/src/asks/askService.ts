import { randomUUID } from 'node:crypto';
import { type AnswerPart, type AskEvent, type AskSource, questionLanguage } from '@quarry/shared';
import type { Logger } from '../logger.js';
import type { QuarryMetrics } from '../metrics.js';
import type { AskInput, AskOutcome } from '../pipeline/types.js';
import type { AskQueue } from './askQueue.js';
import { type AskView, applyEvent, initialView } from './askState.js';

/**
 * Ask history in the app database. Promises: writes are keyed by the ask id chosen here, so
 * they can be retried. Leaves out: how rows are stored.
 */
export interface AskHistory {
  recordStart(input: AskInput): Promise<void>;
  recordOutcome(askId: string, outcome: AskOutcome): Promise<void>;
  /** A finished ask as the history remembers it (no rows), for polls this process missed. */
  find(askId: string): Promise<AskView | undefined>;
}

export interface AskRequest {
  question: string;
  datasource?: string | undefined;
  threadId?: string | undefined;
  source: AskSource;
  askedBy?: string | undefined;
  askedByName?: string | undefined;
  /** The parts after the rows the client can show; default: every part switched on. */
  parts?: AnswerPart[] | undefined;
}

export interface AskService {
  /**
   * Starts an ask; `onEvent` sees every event in order, the last one always a terminal `status`
   * (`finished`, `failed` or `stopped`, step `done`), delivered before `done` resolves.
   */
  ask(
    request: AskRequest,
    onEvent?: (event: AskEvent, askId: string) => void,
  ): { askId: string; done: Promise<AskOutcome> };
  view(askId: string): Promise<AskView | undefined>;
  stop(askId: string): Promise<boolean>;
}

/** The terminal status frame's message, per outcome, in the question's language. */
const TERMINAL_MESSAGES: Record<'zh' | 'en', Record<AskOutcome['status'], string>> = {
  zh: { finished: '查询完成', failed: '查询失败', stopped: '查询已停止' },
  en: { finished: 'Done', failed: 'The question could not be answered', stopped: 'Stopped' },
};

/** Views of finished asks kept for polling; older ones are answered from history. */
const RECENT_VIEWS = 2000;
/**
 * Result cells kept across those views for polls (a 1,000-row answer is easily 10,000 cells);
 * past this the oldest views lose their rows but keep their SQL and row count.
 */
const KEPT_CELLS = 1_000_000;

/** Gives every ask an id, history and a pollable view, whichever queue runs it. */
export function createAskService(deps: {
  queue: AskQueue;
  history: AskHistory;
  logger: Logger;
  /** Result cells kept for polls (default 1,000,000). */
  keptCells?: number;
  metrics?: Pick<QuarryMetrics, 'asks' | 'asksRunning' | 'stageSeconds' | 'corrections'>;
}): AskService {
  const { metrics } = deps;
  const views = new Map<string, AskView>();

  /** Views holding rows, oldest first, with their cell counts. */
  const withRows = new Map<string, number>();
  let keptCells = 0;
  const forgetRows = (askId: string) => {
    keptCells -= withRows.get(askId) ?? 0;
    withRows.delete(askId);
  };

  const remember = (askId: string, view: AskView) => {
    views.delete(askId);
    views.set(askId, view);
    if (views.size > RECENT_VIEWS) {
      const oldest = views.keys().next().value;
      if (oldest !== undefined) {
        views.delete(oldest);
        forgetRows(oldest);
      }
    }
  };

  const update = (askId: string, view: AskView) => {
    views.set(askId, view);
    if (!view.rows || withRows.has(askId)) return;
    const budget = deps.keptCells ?? KEPT_CELLS;
    const cells = view.rows.length * Math.max(1, view.columns?.length ?? 1);
    withRows.set(askId, cells);
    keptCells += cells;
    for (const [oldest] of withRows) {
      if (keptCells <= budget || oldest === askId) break;
      const stale = views.get(oldest);
      if (stale) views.set(oldest, { ...stale, rows: undefined });
      forgetRows(oldest);
    }
  };

  return {
    ask(request, onEvent) {
      const askId = randomUUID();
      const input: AskInput = {
        askId,
        question: request.question,
        datasource: request.datasource ?? 'default',
        source: request.source,
        ...(request.threadId ? { threadId: request.threadId } : {}),
        ...(request.askedBy ? { askedBy: request.askedBy } : {}),
        ...(request.askedByName ? { askedByName: request.askedByName } : {}),
        ...(request.parts ? { parts: request.parts } : {}),
      };
      const startedAt = performance.now();
      remember(askId, initialView(askId, request.question));
      const started = deps.history.recordStart(input).catch((error: unknown) => {
        deps.logger.error({ err: error, askId }, 'ask history: could not record the ask');
      });
      const deliver = (event: AskEvent) => {
        if (event.type === 'rewrite') metrics?.corrections.inc();
        const view = views.get(askId);
        if (view) update(askId, applyEvent(view, event));
        onEvent?.(event, askId);
      };
      metrics?.asksRunning.inc();
      const submitted = deps.queue.submit(input, deliver);
      // Whichever queue ran the ask, its outcome settles after its last event: the terminal
      // status goes here, after everything the ask sent, and before `done` resolves.
      const done = submitted.done.then((outcome) => {
        if (metrics) {
          metrics.asksRunning.dec();
          metrics.asks.inc({ source: request.source, outcome: outcome.status });
          for (const [stage, ms] of Object.entries(outcome.timings)) {
            metrics.stageSeconds.observe({ stage }, ms / 1000);
          }
        }
        deliver({
          type: 'status',
          status: outcome.status,
          step: 'done',
          message: TERMINAL_MESSAGES[questionLanguage(request.question)][outcome.status],
        });
        return outcome;
      });
      void done.then((outcome) => {
        logOutcome(deps.logger, input, outcome, performance.now() - startedAt);
        return started.then(() =>
          deps.history.recordOutcome(askId, outcome).catch((error: unknown) => {
            deps.logger.error({ err: error, askId }, 'ask history: could not record the outcome');
          }),
        );
      });
      return { askId, done };
    },
    async view(askId) {
      return views.get(askId) ?? deps.history.find(askId);
    },
    stop(askId) {
      return deps.queue.stop(askId);
    },
  };
}

/**
 * The one `info` line per ask: who asked what, how it ended, where the time went and the SQL
 * that ran. The frames themselves are logged at `debug`.
 */
function logOutcome(logger: Logger, input: AskInput, outcome: AskOutcome, totalMs: number): void {
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    {
      ask_id: input.askId,
      asker: input.askedBy ?? null,
      source: input.source,
      datasource: input.datasource,
      question: input.question,
      outcome: outcome.status,
      ...(outcome.errorCode ? { error_code: outcome.errorCode } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      total_ms: Math.round(totalMs),
      timings: outcome.timings,
      sql: outcome.sql ?? null,
      ...(outcome.rowCount !== undefined ? { row_count: outcome.rowCount } : {}),
    },
    'ask done',
  );
}
