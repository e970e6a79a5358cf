import { resolve } from 'node:path';
import { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactUrl } from '../logger.js';
import type { DataSource } from '../ports.js';

import { createMysqlDataSource } from './mysql.js';
import { createPostgresDataSource } from './postgres.js';
import { createSqliteDataSource } from './sqlite.js';

/** What every adapter is opened with. */
export interface DataSourceDeps {
  logger: Logger;
  /** The time limit of a dry run (QUERY_TIMEOUT_MS); DRY_RUN_TIMEOUT_MS when not given. */
  queryTimeoutMs?: number;
}

/**
 * Opens a data source from a DATABASE_URL-style URL: `mysql://user:pass@host:port/db` (or
 * `mariadb://…`, the same), `postgres://user:pass@host:port/db` (or `postgresql://…`) or
 * `sqlite:<path>` (relative paths against the process's working directory). Nothing connects
 * until the first call; a malformed URL throws DATASOURCE_UNAVAILABLE at once.
 */
export function openDataSource(url: string, deps: DataSourceDeps): DataSource {
  const trimmed = url.trim();
  if (/^(mysql|mariadb):\/\//.test(trimmed)) return createMysqlDataSource(trimmed, deps);
  if (/^postgres(ql)?:\/\//.test(trimmed)) return createPostgresDataSource(trimmed, deps);
  if (trimmed.startsWith('sqlite:')) {
    // `sqlite:///abs/path` and `sqlite://rel/path` are common spellings of the same thing.
    const path = trimmed.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path) return createSqliteDataSource(resolve(path), deps);
  }
  throw new QuarryError(
    'DATASOURCE_UNAVAILABLE',
    `The data source URL ${redactUrl(trimmed)} is not supported; use mysql://user:pass@host:port/db, postgres://user:pass@host:port/db or sqlite:<path>.`,
  );
}
