import { Counter, type Registry } from 'prom-client';
import type { SlackCallOutcome } from './slack/slackOps.js';

/**
 * The bot's Slack Web API counters, on whichever registry the process serves at `/metrics`:
 * the server's when the bot runs inside `npm start`, the bot's own under `npm run bot`. One
 * definition, so the series are named alike wherever the bot runs and Prometheus sums them.
 */
export interface SlackCallMetrics {
  /** Slack Web API calls by method and outcome (`ok`, `error`, `rate_limited`). */
  calls: Counter<'method' | 'outcome'>;
  /** Slack 429 answers by method. */
  rateLimited: Counter<'method'>;
  /** Counts one call as it ended: what `startSlackBot`'s `onSlackCall` is given. */
  record(method: string, outcome: SlackCallOutcome): void;
}

/** Registers the Slack counters on `registry`. */
export function registerSlackCallMetrics(registry: Registry): SlackCallMetrics {
  const registers = [registry];
  const calls = new Counter({
    name: 'quarry_slack_api_calls_total',
    help: 'Slack Web API calls by method and outcome',
    labelNames: ['method', 'outcome'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'quarry_slack_rate_limited_total',
    help: 'Slack Web API 429 answers by method',
    labelNames: ['method'] as const,
    registers,
  });
  return {
    calls,
    rateLimited,
    record(method, outcome) {
      calls.inc({ method, outcome });
      if (outcome === 'rate_limited') rateLimited.inc({ method });
    },
  };
}
