import { REDACTED_LOG_PATHS, redactDataSourceUrl } from '@quarry/shared';
import { pino } from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

/** Where log lines go: stdout unless a test hands its own stream. */
export interface LogDestination {
  write(line: string): unknown;
  /** A terminal gets pretty lines; anything else (a file, a pipe, a log collector) JSON. */
  isTTY?: boolean;
}

/**
 * The process logger, secrets redacted: JSON lines, or short coloured lines when the
 * destination is a terminal (a person reading, not a collector parsing).
 */
export function createLogger(
  level: pino.LevelWithSilent,
  name = 'quarry',
  destination: LogDestination = process.stdout,
): Logger {
  // One list for every process (shared/src/logRedaction.ts): the bot logs through this logger
  // when it runs inside the server, so its tokens and signing secret are on it too.
  const options = {
    name,
    level,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
  };
  return pino(options, destination.isTTY ? prettyLines(destination) : destination);
}

/**
 * One line per entry: time, level, message, then the fields that are left (no pid, host or
 * process name, which a terminal user knows).
 */
export function prettyLines(destination: LogDestination) {
  return pretty({
    destination: destination as NodeJS.WritableStream,
    sync: true,
    colorize: destination.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
}

/**
 * Hides the password of a connection URL before it is shown or logged (passwords holding `@`,
 * `:`, `/`, `#` or `%` included; see `maskDataSourceUrl`).
 */
export function redactUrl(url: string): string {
  return redactDataSourceUrl(url);
}
