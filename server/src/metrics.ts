// The counters alone, not the bot: a worker registers them without loading Bolt.
import { registerSlackCallMetrics, type SlackCallMetrics } from '@quarry/bot/metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds buckets for things that take from milliseconds (a cached stage) to a minute (a model). */
const SECOND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * What `/metrics` reports, as prom-client instruments on one registry per process (tests run
 * many servers in one process, so nothing goes on prom-client's global registry). Parts of the
 * process record into it through the narrow hooks below; none of them imports prom-client.
 */
export interface QuarryMetrics {
  registry: Registry;
  /** Asks ended, by entry point (`ws`, `api`, `slack`, `console`) and outcome. */
  asks: Counter<'source' | 'outcome'>;
  /** Asks running now in this process's ask service (waiting on a worker included). */
  asksRunning: Gauge;
  /** Seconds per pipeline stage, as the ask's outcome reports them. */
  stageSeconds: Histogram<'stage'>;
  /** Model calls by kind (`complete`, `stream`, `embed`) and outcome (`ok`, `error`). */
  llmCalls: Counter<'kind' | 'outcome'>;
  /** Tokens the model endpoint reported, by `prompt` / `completion`. */
  llmTokens: Counter<'type'>;
  /** Seconds a generated query took on the data source, by outcome. */
  sqlSeconds: Histogram<'outcome'>;
  /** Rewrites after a failed dry run or execution. */
  corrections: Counter;
  /** Seconds an ask waited on Redis before a worker took it. */
  queueWaitSeconds: Histogram;
  /** The in-process Slack bot's Web API calls and 429s (defined by the bot, see bot/src/metrics.ts). */
  slack: SlackCallMetrics;
  /** A gauge read when scraped (open WebSockets, queue depth). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
}

/** A fresh registry with Quarry's instruments. */
export function createMetrics(): QuarryMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    asks: new Counter({
      name: 'quarry_asks_total',
      help: 'Asks ended, by entry point and outcome',
      labelNames: ['source', 'outcome'] as const,
      registers,
    }),
    asksRunning: new Gauge({
      name: 'quarry_asks_running',
      help: 'Asks running now (waiting on a worker included)',
      registers,
    }),
    stageSeconds: new Histogram({
      name: 'quarry_ask_stage_duration_seconds',
      help: 'Seconds per ask pipeline stage',
      labelNames: ['stage'] as const,
      buckets: SECOND_BUCKETS,
      registers,
    }),
    llmCalls: new Counter({
      name: 'quarry_llm_calls_total',
      help: 'Model calls by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    llmTokens: new Counter({
      name: 'quarry_llm_tokens_total',
      help: 'Tokens reported by the model endpoint, by prompt and completion',
      labelNames: ['type'] as const,
      registers,
    }),
    sqlSeconds: new Histogram({
      name: 'quarry_sql_execution_duration_seconds',
      help: 'Seconds a generated query ran on the data source, by outcome',
      labelNames: ['outcome'] as const,
      buckets: SECOND_BUCKETS,
      registers,
    }),
    corrections: new Counter({
      name: 'quarry_sql_corrections_total',
      help: 'SQL rewrites after a failed dry run or execution',
      registers,
    }),
    queueWaitSeconds: new Histogram({
      name: 'quarry_ask_queue_wait_seconds',
      help: 'Seconds an ask waited on the Redis queue before a worker took it',
      buckets: SECOND_BUCKETS,
      registers,
    }),
    slack: registerSlackCallMetrics(registry),
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(await read());
        },
      });
    },
  };
}
