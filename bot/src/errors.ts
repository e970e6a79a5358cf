/**
 * Every failure the bot can meet, by code. Handlers never show a raw exception to a user: they
 * turn it into one of these (`toBotError`) and render the code as a sentence.
 */
export const BOT_ERROR_CODES = [
  /** An environment variable is missing or malformed; the process stops at start. */
  'CONFIG_INVALID',
  /** The Quarry server did not accept a connection, even after the back-off retries. */
  'SERVER_UNREACHABLE',
  /** The server refused the bot itself (a 401 on `/ws` or `/v1`: API_TOKENS mismatch). */
  'SERVER_REFUSED',
  /** The socket closed while an answer was still coming. */
  'CONNECTION_LOST',
  /** The server went silent in the middle of an ask. */
  'ASK_TIMED_OUT',
  /** The server no longer knows the ask (feedback or CSV for an old answer). */
  'ASK_NOT_FOUND',
  /** Slack answered `ok: false`. */
  'SLACK_API_ERROR',
  /** Slack answered 429; `context.retryAfterMs` says when to try again. */
  'SLACK_RATE_LIMITED',
  'INTERNAL',
] as const;

export type BotErrorCode = (typeof BOT_ERROR_CODES)[number];

export class BotError extends Error {
  readonly code: BotErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: BotErrorCode,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BotError';
    this.code = code;
    this.context = options.context ?? {};
  }

  /** Slack's own error string (`invalid_blocks`, `not_in_channel`, …) for SLACK_API_ERROR. */
  get slackError(): string | undefined {
    const value = this.context.slackError;
    return typeof value === 'string' ? value : undefined;
  }

  /** How long Slack asked us to wait, for SLACK_RATE_LIMITED. */
  get retryAfterMs(): number | undefined {
    const value = this.context.retryAfterMs;
    return typeof value === 'number' ? value : undefined;
  }
}

export function isBotError(value: unknown): value is BotError {
  return value instanceof BotError;
}

/** The shape @slack/web-api gives its errors (matched structurally: we never import its classes). */
interface SlackSdkError {
  code: string;
  message: string;
  data?: { error?: unknown };
  retryAfter?: unknown;
  statusCode?: unknown;
  original?: unknown;
}

function isSlackSdkError(value: unknown): value is SlackSdkError {
  if (!(value instanceof Error)) return false;
  const code: unknown = (value as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('slack_');
}

/**
 * Turns anything thrown into a BotError, keeping the original as `cause`. Called at every
 * boundary (listener, Slack call, server call) so the rest of the bot deals in codes only.
 */
export function toBotError(thrown: unknown): BotError {
  if (isBotError(thrown)) return thrown;
  if (isSlackSdkError(thrown)) {
    if (thrown.code === 'slack_webapi_rate_limited_error') {
      const seconds = typeof thrown.retryAfter === 'number' ? thrown.retryAfter : 1;
      return new BotError('SLACK_RATE_LIMITED', `Slack asked to wait ${seconds}s`, {
        cause: thrown,
        context: { retryAfterMs: seconds * 1000 },
      });
    }
    const slackError = typeof thrown.data?.error === 'string' ? thrown.data.error : undefined;
    return new BotError('SLACK_API_ERROR', thrown.message, {
      cause: thrown,
      context: {
        sdkCode: thrown.code,
        ...(slackError ? { slackError } : {}),
        ...(typeof thrown.statusCode === 'number' ? { status: thrown.statusCode } : {}),
      },
    });
  }
  if (thrown instanceof Error) return new BotError('INTERNAL', thrown.message, { cause: thrown });
  return new BotError('INTERNAL', String(thrown), { cause: thrown });
}

/**
 * Whether a failed Slack call may succeed if simply sent again (network trouble, Slack 5xx), as
 * opposed to a refusal that will repeat (`channel_not_found`, `invalid_blocks`).
 */
export function isTransientSlackFailure(error: BotError): boolean {
  if (error.code !== 'SLACK_API_ERROR') return false;
  const sdkCode = error.context.sdkCode;
  if (sdkCode === 'slack_webapi_request_error') return true;
  const status = error.context.status;
  return sdkCode === 'slack_webapi_http_error' && typeof status === 'number' && status >= 500;
}
