import type { SqlRewrite } from '@quarry/shared';
import express, { type Router } from 'express';
import { QuarryError } from '../errors.js';
import type { KnowledgeStore } from '../knowledge/port.js';
import type { Logger } from '../logger.js';
import type { SemanticLayer } from '../semantics/service.js';
import { requireAdminToken } from './adminToken.js';
import { apiErrorHandler } from './requests.js';
import { askRoutes } from './routes/asks.js';
import { dataSourceRoutes } from './routes/datasources.js';
import {
  dictionaryRoutes,
  instructionRoutes,
  type KnowledgeChecks,
  sqlPairRoutes,
} from './routes/knowledge.js';

export interface AdminApiDeps {
  store: KnowledgeStore;
  /** SHA-256 (hex) of the admin token (see `ensureAdminToken`). */
  adminTokenDigest: string;
  /** Quarry's own database: refused as a data source (INVALID_DATASOURCE_URL). */
  appDatabaseUrl: string;
  logger: Logger;
  /** Runs read-only SQL with a small row cap (the guard and data source adapters live elsewhere). */
  previewSql?: (
    datasource: string,
    sql: string,
  ) => Promise<{ columns: string[]; rows: Record<string, unknown>[]; capped: boolean }>;
  /** Resolves when a connection to `url` works; rejects with the driver's message otherwise. */
  testConnection?: (url: string) => Promise<void>;
  describeDataSource?: (name: string) => Promise<unknown>;
  /** The dictionary rewrite applied to `sql`, as the pipeline would apply it. */
  expandSql?: (sql: string, datasource: string) => Promise<{ sql: string; rewrites: SqlRewrite[] }>;
  /** Validation, previews and suggestions of the per-data-source semantic layer. */
  semantics?: SemanticLayer;
  /** Checks what admins save (SQL pairs' SQL, dictionary full names). */
  checks?: KnowledgeChecks;
}

/** CSV imports of 10,000+ rows are a few megabytes; JSON bodies stay at 5 MB. */
const CSV_LIMIT = '20mb';

/**
 * The admin API, mounted at `/api` by the composition root. Every route requires
 * `Authorization: Bearer <ADMIN_TOKEN>`; the token is checked before the body is read, so a
 * rejected request changes nothing and costs little. Errors are `{error: {code, message,
 * fields?}}` with 400/401/404/409/413, 501 for features the server was started without, and
 * 500 without internals. Leaves out: CORS and static files (the console is served same-origin).
 */
export function createAdminApiRouter(deps: AdminApiDeps): Router {
  const router = express.Router();
  router.use(requireAdminToken(deps.adminTokenDigest));
  router.use(express.json({ limit: '5mb' }));
  router.use(
    express.text({
      type: ['text/csv', 'text/plain', 'application/csv', 'text/tab-separated-values'],
      limit: CSV_LIMIT,
    }),
  );

  router.get('/session', (_request, response) => {
    response.json({ ok: true });
  });
  router.use('/sql-pairs', sqlPairRoutes(deps.store, deps.checks));
  router.use('/instructions', instructionRoutes(deps.store));
  router.use('/dictionaries', dictionaryRoutes(deps.store, deps.expandSql, deps.checks));
  router.use('/datasources', dataSourceRoutes(deps));
  router.use('/asks', askRoutes(deps.store, deps.checks));
  router.use((request, _response, next) => {
    next(
      new QuarryError(
        'NOT_FOUND',
        `There is no admin API route ${request.method} ${request.originalUrl}.`,
      ),
    );
  });
  router.use(apiErrorHandler(deps.logger));
  return router;
}
