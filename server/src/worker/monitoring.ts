import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadinessReport } from '../http/readiness.js';
import type { Logger } from '../logger.js';

export interface MonitoringListener {
  port: number;
  close(): Promise<void>;
}

/**
 * A worker's only HTTP: `GET /metrics` (Prometheus text) and `GET /ready` (200 or 503 with
 * each dependency's verdict, as the server's), on `host:port` as `HOST` rules the server's
 * port. Everything else is a 404; nothing here takes a request body or a token, so it opens
 * nothing the server's `/metrics` and `/ready` do not already open.
 */
export async function listenForMonitoring(options: {
  host: string;
  port: number;
  metrics: () => Promise<{ contentType: string; text: string }>;
  ready: () => Promise<ReadinessReport>;
  logger: Logger;
}): Promise<MonitoringListener> {
  const { logger } = options;
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };
  const http = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        json(response, 405, { error: { code: 'BAD_REQUEST', message: 'Only GET is served.' } });
      } else if (path === '/metrics') {
        const { contentType, text } = await options.metrics();
        response.writeHead(200, { 'content-type': contentType });
        response.end(text);
      } else if (path === '/ready') {
        const report = await options.ready();
        json(response, report.ready ? 200 : 503, report);
      } else {
        json(response, 404, {
          error: { code: 'NOT_FOUND', message: 'A worker serves only /metrics and /ready.' },
        });
      }
    };
    answer().catch((error: unknown) => {
      logger.error({ err: error, path }, 'worker monitoring: answering failed');
      if (!response.headersSent) {
        json(response, 500, {
          error: { code: 'INTERNAL', message: 'Internal error; the worker log has the details.' },
        });
      } else {
        response.destroy();
      }
    });
  });
  http.listen(options.port, options.host);
  await Promise.race([
    once(http, 'listening'),
    once(http, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  const port = (http.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info(
    { host: options.host, port },
    `worker metrics on http://${shownHost}:${port}/metrics, readiness on /ready`,
  );
  return {
    port,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}
