import { isIP } from 'node:net';
// The bot's configuration rules alone: every process reads its config, and a worker or the
// admin-token tool must not load Bolt and the chart renderer to do it.
import {
  BOT_ENVIRONMENT_VARIABLES,
  type BotConfig,
  isSlackBotConfigured,
  loadBotConfig,
} from '@quarry/bot/config';
import { toBotError } from '@quarry/bot/errors';
import { DATASOURCE_URL_FORMS, parseDataSourceUrl } from '@quarry/shared';
import { readEnvironment } from '@quarry/shared/environment';
import { z } from 'zod';
import { checkDataSourceUrl } from './datasources/url.js';
import { isQuarryError } from './errors.js';
import { redactUrl } from './logger.js';
import { DEFAULT_WS_LIMITS } from './ws/wsServer.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** A URL the one data-source URL reader accepts (`shared/src/dataSourceUrl.ts`). */
const dataSourceUrl = z
  .string()
  .trim()
  .superRefine((url, context) => {
    const reading = parseDataSourceUrl(url);
    if (!reading.ok) {
      context.addIssue({
        code: 'custom',
        message: `must be ${DATASOURCE_URL_FORMS}: the URL ${reading.reason}`,
      });
    }
  });

// Users' data may live in PostgreSQL too; Quarry's own app database stays MySQL or SQLite.
const databaseUrl = dataSourceUrl.refine(
  (url) => {
    const reading = parseDataSourceUrl(url);
    return !reading.ok || reading.value.kind !== 'postgres';
  },
  { message: 'must be mysql://user:pass@host:port/db or sqlite:<path>' },
);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const HOST_NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Every environment variable Quarry reads, with its default. Unknown variables are ignored. */
const environmentSchema = z.object({
  PORT: integer(0, 65535).default(3000),
  // Loopback unless told otherwise: `/ws` and `/v1/*` are open while API_TOKENS is unset.
  HOST: z
    .string()
    .trim()
    .refine((host) => isIP(host) !== 0 || HOST_NAME.test(host), {
      message: 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0',
    })
    .default('127.0.0.1'),
  DATABASE_URL: dataSourceUrl.optional(),
  APP_DATABASE_URL: databaseUrl.default('sqlite:./data/quarry.sqlite'),
  REDIS_URL: z
    .string()
    .trim()
    .refine((url) => /^rediss?:\/\/.+/.test(url), { message: 'must be redis://host:port' })
    .optional(),
  ASK_QUEUE_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be letters, digits, "_", "." or "-"')
    .default('asks'),
  ASK_WORKER_CONCURRENCY: integer(0, 1000).default(20),
  ASK_WORKER_TIMEOUT_MS: integer(3000, 600_000).default(30_000),
  ASK_QUEUE_WAIT_TIMEOUT_MS: integer(1000, 3_600_000).default(120_000),
  ASK_JOB_LOCK_MS: integer(1000, 600_000).default(10_000),
  ASK_WORKER_STOP_GRACE_MS: integer(0, 3_600_000).default(60_000),
  METRICS_PORT: integer(0, 65535).optional(),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: httpUrl.optional(),
  LLM_MODEL: optionalText,
  EMBEDDING_MODEL: optionalText,
  ASK_INTENT_CLASSIFICATION: booleanFlag.default(true),
  ASK_REASONING: booleanFlag.default(true),
  ASK_ANSWER: booleanFlag.default(true),
  ASK_CHART: booleanFlag.default(true),
  ASK_FOLLOW_UPS: booleanFlag.default(true),
  SQL_REWRITE_MAX_ATTEMPTS: integer(0, 10).default(3),
  ADMIN_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  QUARRY_SECRET_KEY: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  API_TOKENS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((token) => token.trim())
        .filter(Boolean),
    )
    .optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LLM_TIMEOUT_MS: integer(1000, 600_000).default(60_000),
  LLM_MAX_RETRIES: integer(0, 10).default(2),
  QUERY_TIMEOUT_MS: integer(100, 600_000).default(30_000),
  QUERY_ROW_LIMIT: integer(1, 1_000_000).default(1000),
  QUERY_RESULT_MAX_BYTES: integer(1000, 1_000_000_000).default(5_000_000),
  SCHEMA_MAX_TABLES: integer(1, 100).default(8),
  SCHEMA_TOKEN_BUDGET: integer(200, 200_000).default(4000),
  // The /ws defaults are the WebSocket server's own (one place: DEFAULT_WS_LIMITS).
  WS_MESSAGES_PER_SECOND: integer(1, 10_000).default(DEFAULT_WS_LIMITS.messagesPerSecond),
  WS_MESSAGE_BURST: integer(1, 100_000).default(DEFAULT_WS_LIMITS.messageBurst),
  WS_SEND_BUFFER_BYTES: integer(16 * 1024, 1024 * 1024 * 1024).default(
    DEFAULT_WS_LIMITS.sendBufferBytes,
  ),
  WS_SEND_STALL_MS: integer(100, 3_600_000).default(DEFAULT_WS_LIMITS.sendStallMs),
  ASK_MAX_CONCURRENT_PER_CONNECTION: integer(1, 1000).default(DEFAULT_WS_LIMITS.maxConcurrentAsks),
  ASK_MAX_CONCURRENT_PER_USER: integer(1, 100_000).default(8),
  ASK_HISTORY_QUEUE_LIMIT: integer(1, 1_000_000).default(10_000),
  KNOWLEDGE_CHECK_MS: integer(0, 3_600_000).default(2000),
  SQL_PAIR_RECHECK_INTERVAL_MS: integer(0, 86_400_000).default(300_000),
});

export type Environment = z.infer<typeof environmentSchema>;

/**
 * The names of every variable the server reads, its own and those of the Slack bot it runs
 * in-process (`.env.example` lists each; a test checks).
 */
export const ENVIRONMENT_VARIABLES: readonly string[] = [
  ...new Set([...Object.keys(environmentSchema.shape), ...BOT_ENVIRONMENT_VARIABLES]),
];

export interface Config {
  port: number;
  /** Interface the HTTP + WebSocket server listens on. */
  host: string;
  /** Undefined means the bundled demo database. */
  databaseUrl: string | undefined;
  appDatabaseUrl: string;
  redisUrl: string | undefined;
  /** How asks run on Redis when `redisUrl` is set (see asks/bullAskQueue.ts). */
  askQueue: {
    /** Bull queue name; keys live under `quarry:<name>:`. Tests use a fresh one each. */
    name: string;
    /** Asks this process runs at once; 0 makes a server only enqueue (workers run them). */
    concurrency: number;
    /** A running ask whose worker has sent nothing for this long fails: the worker is gone. */
    workerTimeoutMs: number;
    /** An ask no worker has taken for this long fails instead of waiting forever. */
    waitTimeoutMs: number;
    /**
     * A worker holds a running ask's bull lock for this long, renewing it every half; when it
     * dies, another worker takes the ask within about twice this (it runs at most twice).
     */
    jobLockMs: number;
    /** On SIGTERM/SIGINT a worker lets its running asks finish this long, then hands them back. */
    stopGraceMs: number;
    /**
     * Where an `npm run worker` serves `/metrics` and `/ready` (on `host`; 0 picks a free port);
     * undefined serves neither. The server serves both on `port` and ignores this.
     */
    metricsPort: number | undefined;
  };
  llm: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string | undefined;
    embeddingModel: string | undefined;
    timeoutMs: number;
    maxRetries: number;
  };
  ask: {
    intentClassification: boolean;
    reasoning: boolean;
    /** After the rows: a sentence answering the question, a chart, three next questions. */
    answer: boolean;
    chart: boolean;
    followUps: boolean;
    rewriteMaxAttempts: number;
    queryTimeoutMs: number;
    rowLimit: number;
    /** Most bytes of rows (as JSON) one result carries; beyond it the result is capped. */
    resultMaxBytes: number;
    /** Most tables schema retrieval puts into a prompt. */
    maxTables: number;
    /** Schema DDL tokens above which column pruning runs. */
    schemaTokenBudget: number;
  };
  /** What one client may ask of the server; each refusal is a RATE_LIMITED error, not a hang. */
  limits: {
    /** Token bucket per WebSocket connection: refill per second, and the burst it allows. */
    wsMessagesPerSecond: number;
    wsMessageBurst: number;
    /** Bytes buffered for a `/ws` socket above which frames wait (and merge) in Quarry. */
    wsSendBufferBytes: number;
    /** A `/ws` socket that stays over that bound this long has its running asks stopped. */
    wsSendStallMs: number;
    /** Asks accepted and not yet answered, per WebSocket connection and per user. */
    asksPerConnection: number;
    asksPerUser: number;
  };
  /** Ask-history writes held while the app database is unreachable; beyond it they are lost (and logged). */
  askHistoryQueueLimit: number;
  /**
   * How often each process reads the knowledge revision, in case a change notice never came
   * (another deployment sharing the app database, no Redis, a lost message); 0: never.
   */
  knowledgeCheckMs: number;
  /**
   * How often the server looks for data sources whose schema changed and re-checks their SQL
   * pairs (a described schema per data source; pairs only when it changed); 0 turns it off.
   */
  sqlPairRecheckIntervalMs: number;
  adminToken: string | undefined;
  /** Encrypts data-source passwords at rest; unset means the generated key file (see secrets.ts). */
  secretKey: string | undefined;
  apiTokens: string[];
  /**
   * The Slack bot the server runs in-process, parsed by the bot's own rules from the same
   * environment; undefined without SLACK_BOT_TOKEN.
   */
  slack: BotConfig | undefined;
  logLevel: Environment['LOG_LEVEL'];
}

/** A bad configuration value; `message` is the one line printed at start. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Empty strings count as unset, so `FOO=` in a .env file means
 * "use the default". Throws ConfigError naming the first bad variable.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const shown = present[name] === undefined ? '' : ` (got ${shownValue(name, present[name])})`;
    throw new ConfigError(
      `Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}${shown}`,
    );
  }
  const e = parsed.data;
  if (e.DATABASE_URL !== undefined) {
    try {
      checkDataSourceUrl(e.DATABASE_URL, { appDatabaseUrl: e.APP_DATABASE_URL });
    } catch (error) {
      const reason = isQuarryError(error) ? String(error.context.detail) : String(error);
      throw new ConfigError(
        `Invalid configuration: DATABASE_URL ${reason} (got ${shownValue('DATABASE_URL', e.DATABASE_URL)})`,
      );
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    appDatabaseUrl: e.APP_DATABASE_URL,
    redisUrl: e.REDIS_URL,
    askQueue: {
      name: e.ASK_QUEUE_NAME,
      concurrency: e.ASK_WORKER_CONCURRENCY,
      workerTimeoutMs: e.ASK_WORKER_TIMEOUT_MS,
      waitTimeoutMs: e.ASK_QUEUE_WAIT_TIMEOUT_MS,
      jobLockMs: e.ASK_JOB_LOCK_MS,
      stopGraceMs: e.ASK_WORKER_STOP_GRACE_MS,
      metricsPort: e.METRICS_PORT,
    },
    llm: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.LLM_MODEL,
      embeddingModel: e.EMBEDDING_MODEL,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxRetries: e.LLM_MAX_RETRIES,
    },
    ask: {
      intentClassification: e.ASK_INTENT_CLASSIFICATION,
      reasoning: e.ASK_REASONING,
      answer: e.ASK_ANSWER,
      chart: e.ASK_CHART,
      followUps: e.ASK_FOLLOW_UPS,
      rewriteMaxAttempts: e.SQL_REWRITE_MAX_ATTEMPTS,
      queryTimeoutMs: e.QUERY_TIMEOUT_MS,
      rowLimit: e.QUERY_ROW_LIMIT,
      resultMaxBytes: e.QUERY_RESULT_MAX_BYTES,
      maxTables: e.SCHEMA_MAX_TABLES,
      schemaTokenBudget: e.SCHEMA_TOKEN_BUDGET,
    },
    limits: {
      wsMessagesPerSecond: e.WS_MESSAGES_PER_SECOND,
      wsMessageBurst: e.WS_MESSAGE_BURST,
      wsSendBufferBytes: e.WS_SEND_BUFFER_BYTES,
      wsSendStallMs: e.WS_SEND_STALL_MS,
      asksPerConnection: e.ASK_MAX_CONCURRENT_PER_CONNECTION,
      asksPerUser: e.ASK_MAX_CONCURRENT_PER_USER,
    },
    askHistoryQueueLimit: e.ASK_HISTORY_QUEUE_LIMIT,
    knowledgeCheckMs: e.KNOWLEDGE_CHECK_MS,
    sqlPairRecheckIntervalMs: e.SQL_PAIR_RECHECK_INTERVAL_MS,
    adminToken: e.ADMIN_TOKEN,
    secretKey: e.QUARRY_SECRET_KEY,
    apiTokens: e.API_TOKENS ?? [],
    slack: isSlackBotConfigured(present) ? slackBotConfig(present) : undefined,
    logLevel: e.LOG_LEVEL,
  };
}

/** A bad value as the start-up line may show it: never a secret, never a URL's password. */
function shownValue(name: string, value: string): string {
  if (/TOKEN|KEY|SECRET|PASSWORD/.test(name)) return 'a value, not shown';
  return JSON.stringify(redactUrl(value));
}

/** The bot's configuration, its refusal worded as the server's own configuration errors. */
function slackBotConfig(env: Readonly<Record<string, string | undefined>>): BotConfig {
  try {
    return loadBotConfig(env);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${toBotError(error).message}`);
  }
}

/** Reads the environment and the repository's `.env` once, then parses it. */
export function loadConfig(): Config {
  return parseConfig(readEnvironment());
}
