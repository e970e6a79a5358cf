import { z } from 'zod';
import { BotError } from './errors.js';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const environmentSchema = z.object({
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_PORT: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(65535, 'must be at most 65535')
    .default(3001),
  SLACK_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  QUARRY_SERVER_URL: z
    .url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' })
    .optional(),
  API_TOKENS: optionalText,
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      error: 'must be one of trace, debug, info, warn, error, fatal, silent',
    })
    .default('info'),
});

export type LogLevel = z.infer<typeof environmentSchema>['LOG_LEVEL'];

/** Where `npm run bot` finds the server when QUARRY_SERVER_URL is unset: `npm start`'s defaults. */
export const DEFAULT_SERVER_URL = 'ws://localhost:3000/ws';

/** The names of every variable the bot reads (`.env.example` lists each; a test checks). */
export const BOT_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

export interface BotConfig {
  slack: {
    botToken: string;
    /** Verifies HTTP events; unused in Socket Mode. */
    signingSecret: string | undefined;
    /** When set, the bot connects by Socket Mode and opens no port. */
    appToken: string | undefined;
    /** HTTP events arrive at `/slack/events` on this port (0 picks a free one). */
    port: number;
    /** Web API base; undefined means Slack's own. */
    apiUrl: string | undefined;
  };
  quarry: {
    /** The server's `/ws`, without the `format` parameter the bot adds itself. */
    wsUrl: string;
    /** Where `/v1/*` lives, derived from the `/ws` URL. */
    httpBaseUrl: string;
    /** Sent as `Authorization: Bearer` when the server requires API tokens. */
    apiToken: string | undefined;
    /**
     * False when QUARRY_SERVER_URL is unset and `wsUrl` is `DEFAULT_SERVER_URL`: the server
     * that runs the bot in-process then points it at itself (`pointedAt`).
     */
    serverUrlSet: boolean;
  };
  logLevel: LogLevel;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** True when the environment carries a Slack bot token: the server starts the bot only then. */
export function isSlackBotConfigured(env: Environment): boolean {
  return (env.SLACK_BOT_TOKEN ?? '').trim() !== '';
}

/**
 * Parses the bot's variables (contract names). Throws a CONFIG_INVALID BotError whose message
 * is one line naming the bad variable, so the process can print it and stop.
 */
export function loadBotConfig(env: Environment): BotConfig {
  // Empty counts as unset, as for the server: `SLACK_PORT=` in .env means the default.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw configError(name, issue?.message ?? 'is invalid');
  }
  const vars = parsed.data;
  if (vars.SLACK_BOT_TOKEN === undefined) {
    throw configError('SLACK_BOT_TOKEN', 'is required to run the Slack bot (xoxb-…)');
  }
  if (vars.SLACK_APP_TOKEN === undefined && vars.SLACK_SIGNING_SECRET === undefined) {
    throw configError(
      'SLACK_SIGNING_SECRET',
      'is required for HTTP events (or set SLACK_APP_TOKEN to use Socket Mode)',
    );
  }
  if (vars.SLACK_APP_TOKEN !== undefined && !vars.SLACK_APP_TOKEN.startsWith('xapp-')) {
    throw configError('SLACK_APP_TOKEN', 'must be an app-level token starting with xapp-');
  }
  const apiToken = vars.API_TOKENS?.split(',')
    .map((token) => token.trim())
    .find(Boolean);
  return {
    slack: {
      botToken: vars.SLACK_BOT_TOKEN,
      signingSecret: vars.SLACK_SIGNING_SECRET,
      appToken: vars.SLACK_APP_TOKEN,
      port: vars.SLACK_PORT,
      apiUrl: vars.SLACK_API_URL,
    },
    quarry: {
      ...serverUrls(vars.QUARRY_SERVER_URL ?? DEFAULT_SERVER_URL),
      apiToken,
      serverUrlSet: vars.QUARRY_SERVER_URL !== undefined,
    },
    logLevel: vars.LOG_LEVEL,
  };
}

/** The same configuration, talking to the server at `wsUrl` (the one it runs inside). */
export function pointedAt(config: BotConfig, wsUrl: string): BotConfig {
  return { ...config, quarry: { ...config.quarry, ...serverUrls(wsUrl) } };
}

function serverUrls(wsUrl: string): { wsUrl: string; httpBaseUrl: string } {
  return { wsUrl, httpBaseUrl: httpBaseOf(wsUrl) };
}

/** `ws://host:3000/ws` → `http://host:3000`; a path prefix before `/ws` is kept. */
export function httpBaseOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/\/ws\/?$/, '');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}

function configError(name: string, problem: string): BotError {
  return new BotError('CONFIG_INVALID', `${name} ${problem}`, { context: { variable: name } });
}
