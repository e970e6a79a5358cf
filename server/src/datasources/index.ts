import type { Logger } from '../logger.js';
import type { DataSource } from '../ports.js';

import { createMysqlDataSource } from './mysql.js';
import { createPostgresDataSource } from './postgres.js';
import { createSqliteDataSource } from './sqlite.js';
import { checkDataSourceUrl } from './url.js';

/** What every adapter is opened with. */
export interface DataSourceDeps {
  logger: Logger;
  /** The time limit of a dry run (QUERY_TIMEOUT_MS); DRY_RUN_TIMEOUT_MS when not given. */
  queryTimeoutMs?: number;
}

/**
 * Opens a data source from a DATABASE_URL-style URL: `mysql://user:pass@host:port/db` (or
 * `mariadb://…`, the same), `postgres://user:pass@host:port/db` (or `postgresql://…`) or
 * `sqlite:<path>` (relative paths against the process's working directory). The URL is checked
 * first (`checkDataSourceUrl`): a malformed one, a SQLite path that is no SQLite file, or the
 * app database (`appDatabaseUrl`) throws INVALID_DATASOURCE_URL at once. Nothing connects
 * until the first call.
 */
export function openDataSource(
  url: string,
  deps: DataSourceDeps & { appDatabaseUrl?: string },
): DataSource {
  const parsed = checkDataSourceUrl(url, { appDatabaseUrl: deps.appDatabaseUrl });
  if (parsed.kind === 'sqlite') return createSqliteDataSource(parsed.path, deps);
  if (parsed.kind === 'postgres') return createPostgresDataSource(url.trim(), deps);
  return createMysqlDataSource(url.trim(), deps);
}
