import { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactUrl } from '../logger.js';
import type { DataSource } from '../ports.js';
import { openDataSource } from './index.js';

/**
 * The data sources users can name, opened on first use and kept open. Promises: one open
 * DataSource per name at a time; a name whose URL changed is reopened on the next `get` (the
 * old one is closed, failing its in-flight queries); an unknown name is DATASOURCE_NOT_FOUND.
 * Leaves out: where names and URLs are stored (`resolveUrl` answers that).
 */
export interface DataSourceRegistry {
  /** `resolveUrl` overrides the registry's own (an ask resolves from its knowledge snapshot). */
  get(
    name: string,
    resolveUrl?: (name: string) => Promise<string | undefined>,
  ): Promise<DataSource>;
  closeAll(): Promise<void>;
}

export interface DataSourceRegistryDeps {
  /** The URL currently configured for a name; undefined when no such data source exists. */
  resolveUrl(name: string): Promise<string | undefined>;
  /** Quarry's own database: a data source naming it is refused (INVALID_DATASOURCE_URL). */
  appDatabaseUrl?: string;
  logger: Logger;
  /** QUERY_TIMEOUT_MS: the time limit of dry runs (queries bring their own). */
  queryTimeoutMs?: number;
  /** Told how long each `execute` took, for `/metrics`. */
  observeExecution?: ((seconds: number, outcome: 'ok' | 'error') => void) | undefined;
}

/** Creates an empty registry; nothing is opened until `get`. */
export function createDataSourceRegistry(deps: DataSourceRegistryDeps): DataSourceRegistry {
  const opened = new Map<string, { url: string; dataSource: DataSource }>();

  async function closeQuietly(name: string, url: string, dataSource: DataSource): Promise<void> {
    try {
      await dataSource.close();
    } catch (error) {
      deps.logger.warn({ err: error, datasource: name, url: redactUrl(url) }, 'close failed');
    }
  }

  return {
    async get(name, resolveUrl = deps.resolveUrl) {
      const url = await resolveUrl(name);
      // Everything below up to the first await runs at once, so concurrent gets share one open.
      const current = opened.get(name);
      if (current && current.url === url) return current.dataSource;
      if (current) opened.delete(name);
      if (url === undefined) {
        if (current) await closeQuietly(name, current.url, current.dataSource);
        throw new QuarryError('DATASOURCE_NOT_FOUND', `No data source named '${name}'.`, {
          context: { datasource: name },
        });
      }
      const dataSource = timedExecutions(
        openDataSource(url, {
          logger: deps.logger,
          queryTimeoutMs: deps.queryTimeoutMs,
          appDatabaseUrl: deps.appDatabaseUrl,
        }),
        deps.observeExecution,
      );
      opened.set(name, { url, dataSource });
      if (current) {
        deps.logger.info({ datasource: name, url: redactUrl(url) }, 'data source URL changed');
        await closeQuietly(name, current.url, current.dataSource);
      }
      return dataSource;
    },

    async closeAll() {
      const all = [...opened.entries()];
      opened.clear();
      await Promise.all(
        all.map(([name, { url, dataSource }]) => closeQuietly(name, url, dataSource)),
      );
    },
  };
}

/** The same data source, its `execute` timed for `observe`; itself when nobody observes. */
function timedExecutions(
  dataSource: DataSource,
  observe: DataSourceRegistryDeps['observeExecution'],
): DataSource {
  if (!observe) return dataSource;
  const execute: DataSource['execute'] = async (sql, options) => {
    const started = performance.now();
    try {
      const result = await dataSource.execute(sql, options);
      observe((performance.now() - started) / 1000, 'ok');
      return result;
    } catch (error) {
      observe((performance.now() - started) / 1000, 'error');
      throw error;
    }
  };
  // Everything else is the adapter's own, whatever members it has.
  return new Proxy(dataSource, {
    get(target, property) {
      if (property === 'execute') return execute;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
