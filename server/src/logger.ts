import { redactDataSourceUrl } from '@quarry/shared';
import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * Paths whose values never reach a log line: API keys, passwords in URLs, tokens.
 * Every log call passes objects through this redaction.
 */
const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
];

/** The process logger: JSON lines on stdout, secrets redacted. */
export function createLogger(level: pino.LevelWithSilent, name = 'quarry'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

/**
 * Hides the password of a connection URL before it is shown or logged (passwords holding `@`,
 * `:`, `/`, `#` or `%` included; see `maskDataSourceUrl`).
 */
export function redactUrl(url: string): string {
  return redactDataSourceUrl(url);
}
