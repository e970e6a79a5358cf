import { existsSync } from 'node:fs';
import express, { type Express, type Router } from 'express';
import type { Logger } from '../logger.js';
import { httpErrorHandler } from './errors.js';
import type { ReadinessReport } from './readiness.js';

/**
 * The express app: health, readiness, metrics, the v1 ask API, the admin API and the console's static files.
 * Routers come built from the composition root.
 */
export function createHttpApp(deps: {
  logger: Logger;
  v1: Router;
  adminApi?: Router;
  adminStaticDir?: string;
  health: () => Promise<Record<string, unknown>>;
  /** `/ready`: each dependency's readiness. */
  ready?: () => Promise<ReadinessReport>;
  /** `/metrics`: the Prometheus text and its content type. */
  metrics?: () => Promise<{ contentType: string; text: string }>;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_request, response) => {
    response.json({ status: 'ok', ...(await deps.health()) });
  });
  const { ready, metrics } = deps;
  if (ready) {
    app.get('/ready', async (_request, response) => {
      const report = await ready();
      response.status(report.ready ? 200 : 503).json(report);
    });
  }
  if (metrics) {
    app.get('/metrics', async (_request, response) => {
      const { contentType, text } = await metrics();
      response.type(contentType).send(text);
    });
  }
  app.use('/v1', deps.v1);
  if (deps.adminApi) app.use('/api', deps.adminApi);
  if (deps.adminStaticDir && existsSync(deps.adminStaticDir)) {
    const dir = deps.adminStaticDir;
    app.use('/admin', express.static(dir, { index: 'index.html' }));
    // Client-side routes of the console all load its index page.
    app.get(/^\/admin(\/.*)?$/, (_request, response) =>
      response.sendFile('index.html', { root: dir }),
    );
  }
  app.get('/', (_request, response) => response.redirect('/admin/'));
  // What escapes the routers (a malformed URL, a failing health check) is answered as JSON
  // too, never with express's HTML page and stack trace.
  app.use(httpErrorHandler(deps.logger, 'HTTP'));
  return app;
}
