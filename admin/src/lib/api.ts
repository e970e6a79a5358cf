import type { ApiErrorBody } from '@quarry/shared';

/**
 * An `/api/*` failure as the console sees it: the server's code, message and per-field
 * messages, or a network failure (`status` 0) when the server could not be reached.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryParams = Record<string, string | number | undefined | null>;

/** The admin API, authenticated with the signed-in token. Every call throws `ApiError`. */
export interface ApiClient {
  get<T>(path: string, params?: QueryParams): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** Sends a file's text as is (CSV or JSON imports). */
  upload<T>(path: string, text: string, contentType: string): Promise<T>;
  download(path: string, params?: QueryParams): Promise<Blob>;
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export function withQuery(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

export function createApiClient(options: {
  token: () => string | null;
  fetch?: Fetch;
  baseUrl?: string;
}): ApiClient {
  const doFetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const base = options.baseUrl ?? '';

  async function send(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const token = options.token();
    if (token) headers.set('Authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { ...init, method, headers });
    } catch (cause) {
      throw new ApiError(0, 'NETWORK', `The server could not be reached (${String(cause)}).`);
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  const json = async <T>(response: Response): Promise<T> => {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const jsonInit = (body: unknown): RequestInit => ({
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });

  return {
    get: async (path, params) => json(await send('GET', withQuery(path, params))),
    post: async (path, body) => json(await send('POST', path, jsonInit(body))),
    put: async (path, body) => json(await send('PUT', path, jsonInit(body))),
    delete: async (path) => {
      await send('DELETE', path);
    },
    upload: async (path, text, contentType) =>
      json(await send('POST', path, { headers: { 'Content-Type': contentType }, body: text })),
    download: async (path, params) => (await send('GET', withQuery(path, params))).blob(),
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: Partial<ApiErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  if (error && typeof error.message === 'string') {
    return new ApiError(response.status, error.code ?? 'ERROR', error.message, error.fields ?? {});
  }
  return new ApiError(
    response.status,
    response.status === 401 ? 'UNAUTHORIZED' : 'HTTP_ERROR',
    `The server answered ${response.status} ${response.statusText}`.trim(),
  );
}

/** What to show for any thrown value: the server's message when it has one. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
