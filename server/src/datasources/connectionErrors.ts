import type { Reason } from '@quarry/shared';

/** Every `code` and message along an error's `cause` chain (drivers wrap socket errors). */
function chain(error: unknown): { codes: string[]; message: string } {
  const codes: string[] = [];
  let message = '';
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const {
      code,
      message: text,
      cause,
    } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') codes.push(code);
    if (!message && typeof text === 'string') message = text;
    current = cause;
  }
  return { codes, message: message || String(error) };
}

/** Host, port and database of a server URL; the password never leaves this function. */
function target(url: string): { host: string; address: string; database: string } {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol.startsWith('postgres') ? '5432' : '3306');
    return {
      host: parsed.hostname,
      address: `${parsed.hostname}:${port}`,
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    };
  } catch {
    return { host: '', address: '', database: '' };
  }
}

/**
 * Why a connection to a data source failed, as a reason the console says in the admin's
 * language: refused, unknown host, wrong credentials, unknown database, timeout, missing
 * SQLite file, or (anything else) `connection_failed`. The driver's own words stay as `detail`.
 */
export function connectionFailureReason(error: unknown, url: string): Reason {
  const { codes, message } = chain(error);
  const detail = message;
  const has = (...wanted: string[]) => codes.some((code) => wanted.includes(code));
  const where = target(url);
  if (url.startsWith('sqlite:')) {
    if (has('SQLITE_CANTOPEN', 'ENOENT') || /unable to open|no such file/i.test(message))
      return { code: 'connection_file_missing', params: { detail } };
    return { code: 'connection_failed', params: { detail } };
  }
  if (has('ECONNREFUSED'))
    return { code: 'connection_refused', params: { address: where.address, detail } };
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'))
    return { code: 'connection_host_unknown', params: { host: where.host, detail } };
  // MySQL/MariaDB error names; PostgreSQL SQLSTATEs 28P01/28000 (authentication).
  if (has('ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', '28P01', '28000'))
    return { code: 'connection_access_denied', params: { detail } };
  if (has('ER_BAD_DB_ERROR', '3D000'))
    return { code: 'connection_database_unknown', params: { database: where.database, detail } };
  if (has('ETIMEDOUT', 'ETIMEOUT') || /timed? ?out/i.test(message))
    return { code: 'connection_timed_out', params: { detail } };
  return { code: 'connection_failed', params: { detail } };
}
