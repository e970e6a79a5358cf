import express, { type Router } from 'express';
import { QuarryError } from '../errors.js';
import { requireAdminToken } from '../http/auth.js';
import { httpErrorHandler } from '../http/errors.js';
import type { AdminApiDeps } from './deps.js';
import { askRoutes } from './routes/asks.js';
import { dataSourceRoutes } from './routes/datasources.js';
import { dictionaryRoutes, instructionRoutes, sqlPairRoutes } from './routes/knowledge.js';

export type { AdminApiDeps } from './deps.js';

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
  router.use(httpErrorHandler(deps.logger, 'admin API'));
  return router;
}
