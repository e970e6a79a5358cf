import type { ErrorCode } from '@quarry/shared';

/**
 * The one error type the server throws on purpose. `code` is what crosses process
 * boundaries; `message` is a sentence a user can act on; `context` carries what a log needs.
 */
export class QuarryError extends Error {
  readonly code: ErrorCode;
  readonly context: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QuarryError';
    this.code = code;
    this.context = options.context ?? {};
  }
}

export function isQuarryError(error: unknown, code?: ErrorCode): error is QuarryError {
  return error instanceof QuarryError && (code === undefined || error.code === code);
}

/** Turns anything thrown into a QuarryError; used once at each process boundary. */
export function toQuarryError(error: unknown, fallback: ErrorCode = 'INTERNAL'): QuarryError {
  if (error instanceof QuarryError) return error;
  if (error instanceof Error) {
    if (error.name === 'AbortError') {
      return new QuarryError('STOPPED', 'The ask was stopped.', { cause: error });
    }
    return new QuarryError(fallback, error.message || error.name, { cause: error });
  }
  return new QuarryError(fallback, String(error));
}
