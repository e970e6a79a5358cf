import { QuarryError } from '../errors.js';

/**
 * Driver codes (mysql2, Node's sockets, better-sqlite3) that mean the app database cannot be
 * reached or used right now — as opposed to a bug or a bad request, which stay 500/400.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_IOERR',
]);

const UNREACHABLE_MESSAGES =
  /Connection lost|Pool is closed|connection is in closed state|Can't add new command when connection is in closed state|server has gone away/i;

/** Whether `error` (down its cause chain) says the app database is unreachable or unusable now. */
export function isAppDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const { code, message, cause, driverError } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    driverError?: unknown;
  };
  if (typeof code === 'string') {
    // SQLITE_IOERR_SHORT_READ and friends share their family's meaning.
    const family = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
    if (UNREACHABLE_CODES.has(code) || UNREACHABLE_CODES.has(family)) return true;
  }
  if (typeof message === 'string' && UNREACHABLE_MESSAGES.test(message)) return true;
  // TypeORM wraps the driver's error as `driverError`.
  return (
    isAppDatabaseUnreachable(driverError, depth + 1) || isAppDatabaseUnreachable(cause, depth + 1)
  );
}

/**
 * APP_DATABASE_UNAVAILABLE (HTTP 503) for an error that says the app database is down;
 * undefined for anything else. The HTTP layers call it before their generic 500.
 */
export function appDatabaseUnavailable(error: unknown): QuarryError | undefined {
  if (error instanceof QuarryError || !isAppDatabaseUnreachable(error)) return undefined;
  return new QuarryError(
    'APP_DATABASE_UNAVAILABLE',
    "Quarry's own database (APP_DATABASE_URL) cannot be reached right now; nothing was changed. Try again once it is back.",
    { cause: error },
  );
}
