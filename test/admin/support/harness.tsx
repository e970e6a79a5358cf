import { cleanup, configure, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach } from 'vitest';
import type { Fetch } from '../../../admin/src/lib/api.js';
import { AppProviders } from '../../../admin/src/lib/providers.js';
import { ADMIN_TOKEN } from '../../support/adminToken.js';

// findBy*/waitFor wait for what will appear; jsdom renders slowly on a loaded two-core machine,
// so give them 10 s instead of the library's 1 s.
configure({ asyncUtilTimeout: 10_000 });

// CodeMirror measures text through Range geometry, which jsdom does not lay out.
if (!Range.prototype.getClientRects) {
  Range.prototype.getClientRects = () => [] as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () =>
    ({ x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0 }) as DOMRect;
}

// vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});

export interface RecordedRequest {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export type Handler = (request: RecordedRequest) => { status?: number; body?: unknown } | undefined;

/**
 * A scripted admin API behind the fetch the console is given: each route is `METHOD /path`
 * (without the query); unknown routes answer 404 like the real router. Every request is kept.
 */
export function fakeApi(routes: Record<string, Handler | { status?: number; body?: unknown }>) {
  const requests: RecordedRequest[] = [];
  const fetch: Fetch = async (input, init = {}) => {
    const url = new URL(input, 'http://console.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const raw = typeof init.body === 'string' ? init.body : undefined;
    const headers = new Headers(init.headers);
    let body: unknown = raw;
    if (raw !== undefined && headers.get('content-type')?.includes('json')) body = JSON.parse(raw);
    const request = { method, path: url.pathname, search: url.searchParams, headers, body };
    requests.push(request);
    const route = routes[`${method} ${url.pathname}`];
    const answer = typeof route === 'function' ? route(request) : route;
    if (!answer) {
      return Response.json(
        { error: { code: 'NOT_FOUND', message: `no route ${method} ${url.pathname}` } },
        { status: 404 },
      );
    }
    const status = answer.status ?? 200;
    if (status === 204) return new Response(null, { status });
    return Response.json(answer.body ?? {}, { status });
  };
  return {
    fetch,
    requests,
    sent: (key: string) => requests.filter((r) => `${r.method} ${r.path}` === key),
  };
}

export const page = <T,>(items: T[], total = items.length) => ({
  items,
  total,
  page: 1,
  page_size: 20,
});

export interface RenderOptions {
  fetch: Fetch;
  /** Where the router starts. */
  path?: string;
  /** The route pattern `element` is mounted at (for `useParams`); `null` mounts it bare. */
  route?: string | null;
  /** The signed-in token; `null` starts signed out. */
  token?: string | null;
  /** The console's language (default English). */
  locale?: 'en' | 'zh';
}

/** Renders `element` inside the console's providers and a router, signed in unless told otherwise. */
export function renderConsole(element: ReactElement, options: RenderOptions) {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  return render(
    <MemoryRouter initialEntries={[options.path ?? '/']}>
      <AppProviders fetch={options.fetch} initialToken={token} locale={options.locale ?? 'en'}>
        {options.route === null ? (
          element
        ) : (
          <Routes>
            <Route path={options.route ?? '*'} element={element} />
            <Route path="/login" element={<p>login page</p>} />
          </Routes>
        )}
      </AppProviders>
    </MemoryRouter>,
  );
}
