import type { Reason, SqlPair } from '@quarry/shared';
import type { Logger } from '../../logger.js';
import type { TableInfo } from '../../ports.js';
import type { AccessRules } from '../../sql/guard.js';
import type { KnowledgeStore } from '../port.js';
import { schemaFingerprint } from '../schemaFingerprint.js';

/** What a background re-check of SQL pairs reads and runs. */
export interface PairRecheckDeps {
  store: KnowledgeStore;
  /** Every data source's name. */
  names(): Promise<string[]>;
  /** The data source's tables as they are now (not a cached copy). */
  describe(name: string): Promise<TableInfo[]>;
  accessRules(name: string): Promise<AccessRules>;
  /** null when the SQL would run for an employee, else why not (see checkSql). */
  checkSql(datasource: string, sql: string): Promise<Reason | null>;
  logger: Logger;
}

/** Which schema (and hidden tables and columns) a data source's pairs were last checked on. */
const settingKey = (name: string) => `sql_pairs_schema:${name}`;

/** Read only when a schema changed, so reading every pair once is cheap enough. */
async function pairsOf(store: KnowledgeStore, datasource: string): Promise<SqlPair[]> {
  return (await store.sqlPairs.exportAll()).filter((pair) => pair.datasource === datasource);
}

/**
 * Keeps SQL pairs' `broken` flags true to their data sources without anyone opening the list:
 * `sweep` describes each data source and, only when its schema (or what is hidden) differs from
 * the one its pairs were last checked on, checks every pair of it again and records the verdicts
 * that changed. A changed flag moves the knowledge revision, so a pair broken by a schema change
 * leaves historical matches and samples, and a fixed one comes back. A data source that cannot
 * be reached keeps its flags (and is tried again next sweep). `start` sweeps every `intervalMs`.
 */
export function createPairRecheck(deps: PairRecheckDeps) {
  let running: Promise<number> | undefined;

  async function recheckSource(name: string): Promise<number> {
    const [tables, rules] = await Promise.all([deps.describe(name), deps.accessRules(name)]);
    const shape = schemaFingerprint(tables, rules);
    if ((await deps.store.settings.get(settingKey(name))) === shape) return 0;
    let changed = 0;
    for (const pair of await pairsOf(deps.store, name)) {
      const broken = await deps.checkSql(name, pair.sql);
      if (JSON.stringify(broken) === JSON.stringify(pair.broken)) continue;
      await deps.store.sqlPairs.setBroken(pair.id, broken);
      changed += 1;
      deps.logger.info(
        { datasource: name, pairId: pair.id, broken },
        broken ? 'SQL pair broken by a schema change' : 'SQL pair runs again',
      );
    }
    await deps.store.settings.set(settingKey(name), shape);
    return changed;
  }

  /** One pass over every data source; resolves with how many flags changed. One at a time. */
  function sweep(): Promise<number> {
    running ??= (async () => {
      let changed = 0;
      for (const name of await deps.names()) {
        try {
          changed += await recheckSource(name);
        } catch (error) {
          deps.logger.warn({ err: error, datasource: name }, 'SQL pair re-check skipped');
        }
      }
      return changed;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    sweep,
    /** Sweeps now and every `intervalMs`; `stop` ends it, waiting for a sweep under way. */
    start(intervalMs: number): { stop(): Promise<void> } {
      const run = () =>
        void sweep().catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'SQL pair re-check failed'),
        );
      run();
      const timer = setInterval(run, intervalMs);
      timer.unref();
      return {
        async stop() {
          clearInterval(timer);
          await running?.catch(() => undefined);
        },
      };
    },
  };
}
