import { lookup } from 'node:dns/promises';
import { closeSync, openSync, readSync, realpathSync, type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type NetworkUrl,
  type ParsedDataSourceUrl,
  parseDataSourceUrl,
  type Reason,
  type SqliteUrl,
} from '@quarry/shared';
import { QuarryError } from '../errors.js';
import { redactUrl } from '../logger.js';

/**
 * Every data-source URL passes through here before anything uses it: `DATABASE_URL` at start,
 * the data-source API (create, change, test connection) and every open of a data source. The
 * text rules are `parseDataSourceUrl` in @quarry/shared (the console checks the same); this adds
 * what needs the machine: a SQLite path must be an existing SQLite file, and no URL may name
 * Quarry's own app database (its settings and data-source passwords would become askable).
 */

/** The first bytes of every SQLite 3 database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');

/** A URL that can never work, with the reason; the admin API answers it 400. */
export function invalidDataSourceUrl(detail: string): QuarryError {
  const reason: Reason = { code: 'invalid_datasource_url', params: { detail } };
  return new QuarryError('INVALID_DATASOURCE_URL', `The data source URL ${detail}.`, {
    context: { detail, reason, fields: { url: `url ${detail}` }, fieldReasons: { url: reason } },
  });
}

/** A SQLite URL's path made absolute against the working directory. */
export function sqliteFilePath(url: SqliteUrl): string {
  return resolve(url.path);
}

function statOrReason(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `names ${path}, which does not exist`;
    if (code === 'EACCES') return `names ${path}, which Quarry may not read`;
    return `names ${path}, which cannot be read (${code ?? 'unknown error'})`;
  }
}

/** Why `path` is not a SQLite database file Quarry can open, or undefined when it is one. */
function sqliteFileProblem(path: string): string | undefined {
  const stats = statOrReason(path);
  if (typeof stats === 'string') return stats;
  if (stats.isDirectory()) return `names ${path}, which is a directory, not a SQLite file`;
  if (!stats.isFile()) return `names ${path}, which is not a regular file`;
  // SQLite creates an empty file for a new database; it is a database without tables.
  if (stats.size === 0) return undefined;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let read = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return `names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`;
  }
  if (read < header.length || !header.equals(SQLITE_HEADER)) {
    return `names ${path}, which is not a SQLite database`;
  }
  return undefined;
}

/** The same file however it is named: symlinks resolved, hard links by device and inode. */
function sameFile(a: string, b: string): boolean {
  try {
    const [one, two] = [statSync(a), statSync(b)];
    return one.dev === two.dev && one.ino === two.ino;
  } catch {
    const real = (path: string) => {
      try {
        return realpathSync(path);
      } catch {
        return resolve(path);
      }
    };
    return real(a) === real(b);
  }
}

const LOOPBACK = /^(localhost|127(\.[0-9]{1,3}){3}|::1|0\.0\.0\.0|::|0:0:0:0:0:0:0:1)$/i;

function hostKey(host: string): string {
  return LOOPBACK.test(host) ? 'loopback' : host.toLowerCase();
}

function sameServerAndDatabase(a: NetworkUrl, b: NetworkUrl, sameHost: boolean): boolean {
  return (
    a.kind === b.kind &&
    a.port === b.port &&
    a.database.toLowerCase() === b.database.toLowerCase() &&
    sameHost
  );
}

const APP_DATABASE_REASON =
  "is Quarry's own app database (APP_DATABASE_URL); its settings and passwords must never be asked about";

function readOrThrow(url: string): ParsedDataSourceUrl {
  const reading = parseDataSourceUrl(url);
  if (!reading.ok) throw invalidDataSourceUrl(reading.reason);
  return reading.value;
}

function appDatabaseOf(appDatabaseUrl: string | undefined): ParsedDataSourceUrl | undefined {
  if (appDatabaseUrl === undefined) return undefined;
  const reading = parseDataSourceUrl(appDatabaseUrl);
  return reading.ok ? reading.value : undefined;
}

/**
 * Reads and checks a data-source URL at once, without the network: the text, the SQLite file,
 * and (by name) that it is not the app database. Throws INVALID_DATASOURCE_URL with the reason;
 * SQLite paths come back absolute.
 */
export function checkDataSourceUrl(
  url: string,
  options: { appDatabaseUrl?: string } = {},
): ParsedDataSourceUrl {
  const parsed = readOrThrow(url);
  const app = appDatabaseOf(options.appDatabaseUrl);
  if (parsed.kind === 'sqlite') {
    const path = sqliteFilePath(parsed);
    const problem = sqliteFileProblem(path);
    if (problem) throw invalidDataSourceUrl(problem);
    if (app?.kind === 'sqlite' && sameFile(path, sqliteFilePath(app))) {
      throw invalidDataSourceUrl(APP_DATABASE_REASON);
    }
    return { kind: 'sqlite', path };
  }
  if (
    app !== undefined &&
    app.kind !== 'sqlite' &&
    sameServerAndDatabase(parsed, app, hostKey(parsed.host) === hostKey(app.host))
  ) {
    throw invalidDataSourceUrl(APP_DATABASE_REASON);
  }
  return parsed;
}

async function addressesOf(host: string): Promise<Set<string>> {
  if (LOOPBACK.test(host)) return new Set(['loopback']);
  try {
    const found = await lookup(host, { all: true });
    return new Set(found.map(({ address }) => (LOOPBACK.test(address) ? 'loopback' : address)));
  } catch {
    return new Set([host.toLowerCase()]);
  }
}

/**
 * `checkDataSourceUrl`, and for a database server also by address: a host name that resolves
 * to the app database's server is that server. For the data-source API, before anything is
 * stored or connected.
 */
export async function validateDataSourceUrl(
  url: string,
  options: { appDatabaseUrl?: string } = {},
): Promise<ParsedDataSourceUrl> {
  const parsed = checkDataSourceUrl(url, options);
  const app = appDatabaseOf(options.appDatabaseUrl);
  if (parsed.kind === 'sqlite' || app === undefined || app.kind === 'sqlite') return parsed;
  if (!sameServerAndDatabase(parsed, app, true)) return parsed;
  const [mine, theirs] = await Promise.all([addressesOf(parsed.host), addressesOf(app.host)]);
  if ([...mine].some((address) => theirs.has(address))) {
    throw invalidDataSourceUrl(APP_DATABASE_REASON);
  }
  return parsed;
}

const DEFAULT_POOL_SIZE = 5;
const DEFAULT_POOL_IDLE_MS = 60_000;

/** Where a server data source's URL points, and how many connections Quarry may hold there. */
export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Most connections open to the server at once, the one used to cancel queries included. */
  poolSize: number;
  /** An unused connection is closed after this long. */
  poolIdleMs: number;
}

/**
 * Reads a `kind` URL (`usage` shows how one reads, for the messages) with the parameters every
 * server engine takes, `pool_size` (default 5) and `pool_idle_ms` (default 60000); throws INVALID_DATASOURCE_URL (the URL
 * itself) or DATASOURCE_UNAVAILABLE (a parameter) naming what is wrong.
 */
export function readServerUrl(
  url: string,
  kind: NetworkUrl['kind'],
  usage: string,
): {
  server: ServerAddress;
  /** The URL's query parameters, for the engine's own. */
  params: ReadonlyMap<string, string>;
  /** DATASOURCE_UNAVAILABLE saying `why` a parameter is wrong and how such a URL reads. */
  invalid(why: string): QuarryError;
} {
  const invalid = (why: string) =>
    new QuarryError(
      'DATASOURCE_UNAVAILABLE',
      `The data source URL ${redactUrl(url)} ${why}; use ${usage}.`,
    );
  // Host, port, credentials (with `@`, `:`, `/`, `#`, `%`) and database: the one URL reader.
  const parsed = checkDataSourceUrl(url);
  if (parsed.kind !== kind) throw invalidDataSourceUrl(`is not a ${kind}:// URL`);
  const params = new Map(Object.entries(parsed.params));
  const wholeNumber = (name: string, fallback: number, min: number) => {
    const raw = params.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw invalid(`has ${name}=${raw}, which must be a whole number of at least ${min}`);
    }
    return value;
  };
  const server = {
    host: parsed.host,
    port: parsed.port,
    user: parsed.user,
    password: parsed.password,
    database: parsed.database,
    poolSize: wholeNumber('pool_size', DEFAULT_POOL_SIZE, 1),
    poolIdleMs: wholeNumber('pool_idle_ms', DEFAULT_POOL_IDLE_MS, 1000),
  };
  return { server, params, invalid };
}
