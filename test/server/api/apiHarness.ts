import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type AdminApiDeps, createAdminApiRouter } from '../../../server/src/api/router.js';
import { tokenDigest } from '../../../server/src/http/auth.js';
import type { KnowledgeStore } from '../../../server/src/knowledge/port.js';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { ADMIN_TOKEN } from '../../support/adminToken.js';
import {
  type AppDatabase,
  type Backend,
  createAppDatabase,
  silentLogger,
} from '../knowledge/appDatabase.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, the text otherwise. */
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: string;
  contentType?: string;
  /** null sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface AdminApiHarness {
  baseUrl: string;
  store: KnowledgeStore;
  db: AppDatabase;
  /** Every response body the harness saw, for "never in any response" assertions. */
  seen: string[];
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field and let expect() check them
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * A real app database (SQLite file or MariaDB database), a real store on it with migrations,
 * and the admin router on a real HTTP port, as the composition root mounts it.
 */
export async function startAdminApi(
  backend: Backend,
  prefix: string,
  optional: Omit<Partial<AdminApiDeps>, 'store' | 'adminTokenDigest' | 'logger'> = {},
): Promise<AdminApiHarness> {
  const db = await createAppDatabase(backend, prefix);
  const store = await openKnowledgeStore({ url: db.url, logger: silentLogger });
  const app = express();
  app.use(
    '/api',
    createAdminApiRouter({
      store,
      adminTokenDigest: tokenDigest(ADMIN_TOKEN),
      appDatabaseUrl: db.url,
      logger: silentLogger,
      ...optional,
    }),
  );
  const server: Server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const seen: string[] = [];

  return {
    baseUrl,
    store,
    db,
    seen,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? ADMIN_TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.raw !== undefined) {
        body = options.raw;
        headers['content-type'] = options.contentType ?? 'text/csv';
      } else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] = options.contentType ?? 'application/json';
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await response.text();
      seen.push(text);
      const isJson = response.headers.get('content-type')?.includes('json') ?? false;
      return {
        status: response.status,
        headers: response.headers,
        body: isJson && text ? JSON.parse(text) : text,
        text,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await store.close();
      await db.drop();
    },
  };
}
