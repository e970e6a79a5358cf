import { REDACTED_LOG_PATHS } from '@quarry/shared';
import type { Logger as SlackLogger } from '@slack/bolt';
import { LogLevel as SlackLogLevel } from '@slack/bolt';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config.js';

export type Logger = pino.Logger;

/**
 * The bot process's logger when it runs alone (`npm run bot`): JSON lines on stdout (or the
 * destination a test hands), or short coloured lines on a terminal (as the server's logger
 * does), redacted by the same list as the server's.
 */
export function createBotLogger(
  level: LogLevel,
  destination: { write(line: string): unknown; isTTY?: boolean } = process.stdout,
): Logger {
  const options = {
    name: 'quarry-bot',
    level,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
  };
  if (!destination.isTTY) return pino(options, destination);
  return pino(
    options,
    pretty({
      destination: destination as NodeJS.WritableStream,
      sync: true,
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      singleLine: true,
    }),
  );
}

/**
 * Bolt and the Web API client log through their own interface; this routes them into our pino
 * logger so the bot writes one log stream. Bolt passes several arguments per line.
 */
export function toSlackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack' });
  const line = (parts: unknown[]) =>
    parts.map((part) => (typeof part === 'string' ? part : safeJson(part))).join(' ');
  return {
    debug: (...parts: unknown[]) => child.debug(line(parts)),
    info: (...parts: unknown[]) => child.info(line(parts)),
    warn: (...parts: unknown[]) => child.warn(line(parts)),
    error: (...parts: unknown[]) => child.error(line(parts)),
    // The level is ours to set (LOG_LEVEL); Bolt may ask, it may not change it.
    setLevel: () => undefined,
    getLevel: () => slackLevelOf(child.level),
    setName: () => undefined,
  };
}

function slackLevelOf(level: string): SlackLogLevel {
  if (level === 'trace' || level === 'debug') return SlackLogLevel.DEBUG;
  if (level === 'info') return SlackLogLevel.INFO;
  if (level === 'warn') return SlackLogLevel.WARN;
  return SlackLogLevel.ERROR;
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
