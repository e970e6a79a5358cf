import { type ApiErrorBody, describeReasonApart, type Locale, type Reason } from '@quarry/shared';
import { zh } from './zh';

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
    /** The refusal as a code, so it can be said in the admin's language. */
    readonly reason: Reason | undefined = undefined,
    readonly fieldReasons: Record<string, Reason> = {},
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
    return new ApiError(
      response.status,
      error.code ?? 'ERROR',
      error.message,
      error.fields ?? {},
      error.reason,
      error.field_reasons ?? {},
    );
  }
  return new ApiError(
    response.status,
    response.status === 401 ? 'UNAUTHORIZED' : 'HTTP_ERROR',
    `The server answered ${response.status} ${response.statusText}`.trim(),
  );
}

let activeLocale: Locale = 'en';

/** Set by the locale provider: messages built outside React render in the admin's language. */
export function setMessageLocale(locale: Locale): void {
  activeLocale = locale;
}

export function messageLocale(): Locale {
  return activeLocale;
}

/** What an error code means, for a server message the console has no words of its own for. */
const GENERIC_ZH: Record<string, string> = {
  BAD_REQUEST: '请求的内容无效，请检查后重试。',
  UNAUTHORIZED: '登录已失效，请重新登录。',
  NOT_FOUND: '找不到这个条目，可能已被删除。',
  CONFLICT: '与已有的数据冲突，请换一个名称或问题。',
  PAYLOAD_TOO_LARGE: '内容太大，请拆成几份再试。',
  RATE_LIMITED: '请求太频繁，请稍后再试。',
  UNSAFE_SQL: '这条 SQL 未通过只读检查，未运行。',
  DRY_RUN_FAILED: '这条 SQL 无法在数据源上运行。',
  SQL_EXECUTION_FAILED: '这条 SQL 运行失败。',
  DATASOURCE_NOT_FOUND: '找不到这个数据源。',
  DATASOURCE_UNAVAILABLE: '无法连接数据源，请检查连接设置后重试。',
  LLM_NOT_CONFIGURED: '服务器尚未配置模型。',
  LLM_UNAVAILABLE: '模型服务暂时不可用，请稍后再试。',
  NETWORK: '无法连接服务器，请检查网络后重试。',
  HTTP_ERROR: '服务器返回了错误，请稍后再试。',
  INTERNAL: '服务器出错了，详情见服务器日志。',
};

/** A server sentence in the admin's language: its reason when it has one, else by its code. */
export function localMessage(
  message: string,
  reason: Reason | undefined,
  code: string,
  locale: Locale = activeLocale,
): string {
  if (reason) return describeReasonApart(reason, locale).message;
  if (locale === 'en') return message;
  return zh[message] ?? GENERIC_ZH[code] ?? GENERIC_ZH.HTTP_ERROR ?? message;
}

/** What a database or driver said about a failure, in its own words; shown apart from the message. */
export function errorDetail(error: unknown): string | undefined {
  return error instanceof ApiError && error.reason
    ? describeReasonApart(error.reason, 'en').detail
    : undefined;
}

/** What to show for any thrown value, in the admin's language. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return localMessage(error.message, error.reason, error.code);
  if (error instanceof Error)
    return activeLocale === 'zh' ? (zh[error.message] ?? error.message) : error.message;
  return String(error);
}
