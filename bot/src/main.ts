import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { readEnvironment } from '@quarry/shared/environment';
import { webApi } from '@slack/bolt';
import { Registry } from 'prom-client';
import { createAnswerer } from './answer/answerQuestion.js';
import { createChartDelivery } from './answer/chartDelivery.js';
import { createCsvDelivery, type KeptResult } from './answer/csvDelivery.js';
import { createFollowedThreads } from './answer/followedThreads.js';
import { createStatusReactions } from './answer/reactions.js';
import { type BotConfig, loadBotConfig } from './config.js';
import { BotError, toBotError } from './errors.js';
import { registerListeners } from './listeners/index.js';
import { createBotLogger, type Logger, toSlackLogger } from './logger.js';
import { createRecentMap, createRecentSet } from './memory.js';
import { registerSlackCallMetrics } from './metrics.js';
import { createAskLink } from './quarry/askLink.js';
import { createQuarryHttp } from './quarry/quarryHttp.js';
import { createBoltApp, eventDedupeMiddleware } from './slack/boltApp.js';
import { createSlackOps, type SlackCallOutcome } from './slack/slackOps.js';
import { createSendBudget } from './slack/updateCoalescer.js';
import { createUserNames } from './slack/userNames.js';

const HOUR = 60 * 60 * 1000;

export interface SlackBotOptions {
  /** Least time between two updates of one Slack message (default 1 s, Slack's guidance). */
  updateIntervalMs?: number;
  /**
   * Least time between two message updates anywhere in the workspace (default 1 s: `chat.update`
   * is a Tier 3 method, about 50 a minute per workspace), shared by every answer at once.
   */
  workspaceUpdateIntervalMs?: number;
  /** Told about every Slack Web API call and how it ended (the server counts them in /metrics). */
  onSlackCall?: (method: string, outcome: SlackCallOutcome) => void;
  /** Waits between attempts to reach the server's `/ws`. */
  connectBackoffMs?: readonly number[];
  /** How long the server's "no ask in this thread" is believed before asking again (default 30 s). */
  notFollowedThreadTtlMs?: number;
  /**
   * Served at `GET /metrics` on the bot's port (Bolt's custom routes): beside `/slack/events` in
   * HTTP mode, alone on SLACK_PORT in Socket Mode. `npm run bot` passes its own registry; inside
   * the server the bot's counters are on the server's `/metrics` and the bot serves none.
   */
  metrics?: Registry;
}

export interface RunningSlackBot {
  /** The HTTP events port; undefined in Socket Mode. */
  port: number | undefined;
  botUserId: string;
  close(): Promise<void>;
}

/**
 * The bot's composition root: builds the one Slack Web API client, the link to the Quarry
 * server and every listener's dependencies, then starts receiving events. The server's
 * `npm start` calls it in-process when Slack tokens are set; `npm run bot` runs it alone.
 * Throws a BotError (CONFIG_INVALID) when Slack refuses the bot token.
 */
export async function startSlackBot(
  config: BotConfig,
  logger: Logger,
  options: SlackBotOptions = {},
): Promise<RunningSlackBot> {
  const log = logger.child({ component: 'slack-bot' });
  const client = new webApi.WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    logger: toSlackLogger(log),
    // 429s come back to us: the update coalescer and SlackOps honour Retry-After per call
    // instead of the client pausing every call of the process.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 },
    timeout: 30_000,
  });
  const identity = await lookUpBotIdentity(client, config.slack.apiUrl);

  const slack = createSlackOps(client, log, {
    ...(options.onSlackCall ? { onCall: options.onSlackCall } : {}),
  });
  const link = createAskLink({
    wsUrl: config.quarry.wsUrl,
    apiToken: config.quarry.apiToken,
    logger: log,
    ...(options.connectBackoffMs ? { connectBackoffMs: options.connectBackoffMs } : {}),
  });
  const quarry = createQuarryHttp({
    baseUrl: config.quarry.httpBaseUrl,
    apiToken: config.quarry.apiToken,
  });
  const threads = createFollowedThreads({
    quarry,
    logger: log,
    ...(options.notFollowedThreadTtlMs === undefined
      ? {}
      : { notFollowedTtlMs: options.notFollowedThreadTtlMs }),
  });
  const results = createRecentMap<KeptResult>(200);
  const csv = createCsvDelivery({ slack, quarry, results, logger: log });
  const charts = createChartDelivery({ slack, logger: log });
  const answerer = createAnswerer({
    slack,
    link,
    reactions: createStatusReactions(slack, log),
    csv,
    charts,
    threads,
    results,
    userNames: createUserNames({ slack, logger: log }),
    logger: log,
    updateIntervalMs: options.updateIntervalMs ?? 1000,
    updateBudget: createSendBudget({ minIntervalMs: options.workspaceUpdateIntervalMs ?? 1000 }),
  });

  const bolt = createBoltApp({
    slack: config.slack,
    identity,
    logger: log,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  bolt.app.use(eventDedupeMiddleware(createRecentSet({ limit: 20_000, ttlMs: 2 * HOUR }), log));
  registerListeners(bolt.app, {
    answerer,
    csv,
    quarry,
    slack,
    threads,
    questions: createRecentSet({ limit: 20_000, ttlMs: 2 * HOUR }),
    botUserId: identity.botUserId,
    logger: log,
  });
  bolt.app.error(async (error) => {
    log.error({ err: toBotError(error) }, 'a Slack listener failed');
  });

  const port = await bolt.start();
  log.info(
    {
      port,
      socketMode: port === undefined,
      botUserId: identity.botUserId,
      server: config.quarry.wsUrl,
    },
    port === undefined
      ? 'Slack bot connected by Socket Mode'
      : `Slack bot listening on :${port}/slack/events`,
  );
  return {
    port,
    botUserId: identity.botUserId,
    async close() {
      link.close();
      await bolt
        .stop()
        .catch((error: unknown) => log.warn({ err: toBotError(error) }, 'stopping Bolt failed'));
    },
  };
}

async function lookUpBotIdentity(
  client: webApi.WebClient,
  apiUrl: string | undefined,
): Promise<{ botUserId: string; botId: string | undefined }> {
  try {
    const identity = await client.auth.test();
    if (typeof identity.user_id !== 'string') throw new Error('auth.test returned no user_id');
    return {
      botUserId: identity.user_id,
      botId: typeof identity.bot_id === 'string' ? identity.bot_id : undefined,
    };
  } catch (thrown) {
    const error = toBotError(thrown);
    // Slack answered and refused the token: a configuration problem. Anything else: Slack is out of reach.
    if (error.slackError !== undefined) {
      throw new BotError(
        'CONFIG_INVALID',
        `SLACK_BOT_TOKEN was refused by Slack (${error.slackError})`,
        {
          cause: error,
          context: { variable: 'SLACK_BOT_TOKEN' },
        },
      );
    }
    throw new BotError(
      'INTERNAL',
      `cannot reach the Slack Web API at ${apiUrl ?? 'https://slack.com/api/'}: ${error.message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The bot as `npm run bot` runs it: alone, counting its Slack Web API calls and 429s on a
 * registry of its own that it serves at `/metrics` (the same series the server's `/metrics`
 * has when the bot runs inside it).
 */
export function startStandaloneBot(
  config: BotConfig,
  logger: Logger,
  options: Omit<SlackBotOptions, 'onSlackCall' | 'metrics'> = {},
): Promise<RunningSlackBot> {
  const registry = new Registry();
  const slackCalls = registerSlackCallMetrics(registry);
  return startSlackBot(config, logger, {
    ...options,
    onSlackCall: slackCalls.record,
    metrics: registry,
  });
}

/** `npm run bot`: the bot alone, configured from the environment, stopped by SIGINT/SIGTERM. */
async function runStandalone(): Promise<void> {
  let config: BotConfig;
  try {
    config = loadBotConfig(readEnvironment());
  } catch (error) {
    process.stderr.write(`${toBotError(error).message}\n`);
    process.exit(1);
  }
  const logger = createBotLogger(config.logLevel);
  let bot: RunningSlackBot;
  try {
    bot = await startStandaloneBot(config, logger);
  } catch (error) {
    const failure = toBotError(error);
    process.stderr.write(
      `${failure.code === 'CONFIG_INVALID' ? failure.message : `The Slack bot could not start: ${failure.message}`}\n`,
    );
    process.exit(1);
  }
  const stop = () => {
    void bot.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** True when this file is the process's script, not a module the server imported. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) void runStandalone();
