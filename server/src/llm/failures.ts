import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
} from 'openai';
import { QuarryError } from '../errors.js';

/** Where a failure happened, for a message that names the endpoint but never the key. */
export interface FailureContext {
  host: string;
  model?: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The configured key: scrubbed from provider error text, which some providers echo back. */
  apiKey?: string | undefined;
}

export const NOT_CONFIGURED_MESSAGE =
  'No language model is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI ' +
  'endpoint such as Ollama, vLLM, DeepSeek or Qwen) in the environment or .env, then restart Quarry.';

export function stoppedError(cause?: unknown): QuarryError {
  return new QuarryError('STOPPED', 'The ask was stopped.', { cause });
}

/** "60 s", "1.5 s", "300 ms": time-outs in tests are short, so milliseconds must stay readable. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** The first `code` (ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET…) down an error's cause chain. */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
  const nested = Array.isArray(errors) ? [cause, ...errors] : [cause];
  for (const inner of nested) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The endpoint's own explanation from an OpenAI-style error body, without the SDK's prefix. */
function apiMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message.trim()) return body.message.trim();
  return error.message.replace(/^\d{3}\s+/, '');
}

function reasonFor(error: unknown, context: FailureContext): string {
  if (error instanceof APIConnectionTimeoutError) {
    return `did not answer within ${formatDuration(context.timeoutMs)}`;
  }
  if (error instanceof APIConnectionError) {
    const code = networkCode(error);
    return `could not be reached (${code ?? error.message}); check OPENAI_BASE_URL and that the server is running`;
  }
  if (error instanceof AuthenticationError) {
    return 'rejected the API key (HTTP 401); check OPENAI_API_KEY';
  }
  if (error instanceof PermissionDeniedError) {
    return `refused the request (HTTP 403): ${apiMessage(error)}`;
  }
  if (error instanceof APIError && error.status !== undefined) {
    return `answered HTTP ${error.status}: ${apiMessage(error)}`;
  }
  if (error instanceof APIError) return `reported an error: ${apiMessage(error)}`;
  const code = networkCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return `failed: ${message}${code ? ` (${code})` : ''}`;
}

/**
 * Turns whatever the openai client threw into the port's errors: STOPPED when the caller
 * aborted, otherwise LLM_UNAVAILABLE with a sentence naming the host and the reason.
 */
export function toLlmError(error: unknown, context: FailureContext): QuarryError {
  if (error instanceof QuarryError) return error;
  if (context.signal?.aborted || error instanceof APIUserAbortError) return stoppedError(error);
  const reason = scrubKey(reasonFor(error, context), context.apiKey).replace(/[.\s]+$/, '');
  const status = error instanceof APIError ? error.status : undefined;
  const leaks =
    Boolean(context.apiKey) &&
    error instanceof Error &&
    error.message.includes(context.apiKey as string);
  return new QuarryError('LLM_UNAVAILABLE', `The language model at ${context.host} ${reason}.`, {
    // The raw error would carry the key into logs that serialize causes.
    cause: leaks ? new Error(scrubKey((error as Error).message, context.apiKey)) : error,
    context: { host: context.host, model: context.model, status, code: networkCode(error) },
  });
}

function scrubKey(text: string, apiKey: string | undefined): string {
  return apiKey ? text.replaceAll(apiKey, '[redacted]') : text;
}

/**
 * Settles like `promise`, but rejects with STOPPED as soon as `signal` aborts. The openai
 * client only checks its signal between retries after sleeping out the back-off, so an
 * abort could otherwise wait seconds.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(stoppedError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stoppedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
