import type { ApiErrorBody, ErrorCode, Reason } from '@quarry/shared';
import type { NextFunction, Request, Response } from 'express';
import { QuarryError, toQuarryError } from '../errors.js';
import { appDatabaseUnavailable } from '../knowledge/unavailable.js';
import type { Logger } from '../logger.js';
import { refusalReason } from '../sql/refusalReasons.js';

/**
 * The one mapping from error code to HTTP status, for `/v1`, `/api` and the app around them.
 * A dependency that is down (a data source, the queue, the model, the app database) is 503:
 * the client may retry, and nothing it sent was wrong.
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  INVALID_DATASOURCE_URL: 400,
  UNSAFE_SQL: 400,
  DRY_RUN_FAILED: 400,
  SQL_EXECUTION_FAILED: 400,
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

/** An error's HTTP status: its own `httpStatus` when it carries one, else its code's, else 500. */
export function httpStatusOf(error: QuarryError): number {
  const override = error.context.httpStatus;
  return typeof override === 'number' ? override : (STATUS_BY_CODE[error.code] ?? 500);
}

/** Thrown by routes whose optional dependency the composition root didn't provide. */
export function notAvailable(feature: string): QuarryError {
  return new QuarryError(
    'INTERNAL',
    `${feature} is not available in this server: the server was started without it.`,
    { context: { httpStatus: 501 } },
  );
}

/**
 * body-parser's errors (malformed JSON, a body over the limit; they carry a `type`) and
 * express's undecodable URL parameter (a URIError) carry `status`, the 4xx they mean. Other
 * errors with a `status` (an SDK's HTTP error) say nothing about this request.
 */
function fromRequestReading(thrown: unknown): QuarryError | undefined {
  const { type, status } = (thrown ?? {}) as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' && !(thrown instanceof URIError)) return undefined;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 413) {
    return new QuarryError('PAYLOAD_TOO_LARGE', 'The request body is too large.', {
      cause: thrown,
    });
  }
  if (type === 'entity.parse.failed') {
    return new QuarryError('BAD_REQUEST', 'The request body is not valid JSON.', {
      cause: thrown,
      context: { fields: { body: 'must be valid JSON' } },
    });
  }
  return new QuarryError('BAD_REQUEST', 'The request could not be read.', {
    cause: thrown,
    context: { httpStatus: status },
  });
}

/** A reason for errors raised without one, so every refusal can be read in Chinese too. */
function defaultReason(error: QuarryError): Reason | undefined {
  switch (error.code) {
    case 'UNSAFE_SQL':
      return refusalReason(error.message);
    case 'DRY_RUN_FAILED':
    case 'SQL_EXECUTION_FAILED':
      return { code: 'sql_failed', params: { detail: error.message } };
    case 'NOT_FOUND':
      return { code: 'not_found' };
    default:
      return undefined;
  }
}

/** Codes that mean a dependency is down: logged at warn, since the log of the cause says why. */
const OUTAGES: ReadonlySet<ErrorCode> = new Set([
  'APP_DATABASE_UNAVAILABLE',
  'DATASOURCE_UNAVAILABLE',
  'QUEUE_UNAVAILABLE',
  'LLM_UNAVAILABLE',
]);

/**
 * The one error handler of the HTTP layer: anything thrown → status and `{error: {code,
 * message, fields?, reason?, field_reasons?}}`. Outages are answered 503 (with `Retry-After`
 * for the app database) and logged at warn; anything unexpected is logged and answered 500
 * without internals. `where` names the part in the log (`admin API`, `v1 API`, `HTTP`).
 */
export function httpErrorHandler(logger: Logger, where: string) {
  return (thrown: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) {
      next(thrown);
      return;
    }
    const error =
      fromRequestReading(thrown) ?? appDatabaseUnavailable(thrown) ?? toQuarryError(thrown);
    const status = httpStatusOf(error);
    const logged = { err: thrown, method: request.method, path: request.originalUrl };
    if (error.code === 'APP_DATABASE_UNAVAILABLE') {
      // An outage, not a bug: clients may retry; the log says what the driver said.
      response.setHeader('Retry-After', '5');
      logger.warn(logged, `${where}: the app database is unreachable`);
    } else if (OUTAGES.has(error.code)) {
      logger.warn(logged, `${where}: ${error.message}`);
    } else if (status >= 500 && status !== 501) {
      logger.error(logged, `${where} error`);
    }
    const fields = error.context.fields as Record<string, string> | undefined;
    const reason = (error.context.reason as Reason | undefined) ?? defaultReason(error);
    const reasons = error.context.fieldReasons as Record<string, Reason> | undefined;
    const body: ApiErrorBody = {
      error: {
        code: error.code,
        message:
          status === 500
            ? 'Something went wrong on the server; the log has the details.'
            : error.message,
        ...(fields ? { fields } : {}),
        ...(reason && status !== 500 ? { reason } : {}),
        ...(reasons ? { field_reasons: reasons } : {}),
      },
    };
    response.status(status).json(body);
  };
}
