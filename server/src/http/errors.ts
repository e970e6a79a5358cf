import type { ErrorCode } from '@quarry/shared';
import type { Response } from 'express';
import { toQuarryError } from '../errors.js';
import { appDatabaseUnavailable } from '../knowledge/unavailable.js';

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  INVALID_DATASOURCE_URL: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  DATASOURCE_NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  LLM_NOT_CONFIGURED: 503,
  LLM_UNAVAILABLE: 503,
  DATASOURCE_UNAVAILABLE: 503,
  QUEUE_UNAVAILABLE: 503,
  APP_DATABASE_UNAVAILABLE: 503,
};

/** The one place HTTP errors are shaped: `{error: {code, message, fields?}}`, no internals. */
export function sendError(response: Response, thrown: unknown): void {
  const { status: parserStatus, type } = (thrown ?? {}) as { status?: unknown; type?: unknown };
  if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
    // body-parser errors (malformed JSON 400, a body over the limit 413) and express's own
    // (a malformed URL 400) carry the status they mean.
    const code: ErrorCode = parserStatus === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    const message =
      parserStatus === 413
        ? 'The request body is too large.'
        : type === 'entity.parse.failed'
          ? 'The request body is not valid JSON.'
          : 'The request could not be read.';
    response.status(parserStatus).json({ error: { code, message } });
    return;
  }
  const error = appDatabaseUnavailable(thrown) ?? toQuarryError(thrown);
  const status = STATUS_BY_CODE[error.code] ?? 500;
  if (error.code === 'APP_DATABASE_UNAVAILABLE') response.setHeader('Retry-After', '5');
  const fields = error.context.fields;
  const message =
    status === 500 ? 'Internal error; the server log has the details.' : error.message;
  response
    .status(status)
    .json({ error: { code: error.code, message, ...(fields ? { fields } : {}) } });
}
