import { type ApiErrorBody, type ErrorCode, type Reason, reasonOfIssue } from '@quarry/shared';
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { QuarryError, toQuarryError } from '../errors.js';
import { appDatabaseUnavailable } from '../knowledge/unavailable.js';
import type { Logger } from '../logger.js';
import { refusalReason } from '../sql/refusalReasons.js';

/** Field path → message, first issue per field, e.g. `{question: 'question must not be empty'}`. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    fields[path] ??= issue.message;
  }
  return fields;
}

/** Field path → reason, first issue per field, for clients that speak the reader's language. */
export function fieldReasons(error: z.ZodError): Record<string, Reason> {
  const reasons: Record<string, Reason> = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    reasons[path] ??= reasonOfIssue(issue as Parameters<typeof reasonOfIssue>[0]);
  }
  return reasons;
}

export function badRequest(
  message: string,
  fields?: Record<string, string>,
  reasons: { reason?: Reason; fieldReasons?: Record<string, Reason> } = {},
): QuarryError {
  return new QuarryError('BAD_REQUEST', message, {
    context: { ...(fields ? { fields } : {}), ...reasons },
  });
}

/** Parses with zod or throws BAD_REQUEST whose `fields` name every offending field. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request body',
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error);
  const summary = Object.entries(fields)
    .map(([field, message]) => (message.startsWith(field) ? message : `${field}: ${message}`))
    .join('; ');
  throw badRequest(`The ${what} is invalid: ${summary}.`, fields, {
    fieldReasons: fieldReasons(parsed.error),
  });
}

/** A numeric `:id` route parameter; anything else can't name a row, so it is a 404. */
export function idParam(request: Request, what: string): number {
  const raw = String(request.params.id ?? '');
  const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id)) {
    throw new QuarryError('NOT_FOUND', `There is no ${what} with id ${raw}.`);
  }
  return id;
}

/** Thrown by routes whose optional dependency the composition root didn't provide. */
export function notAvailable(feature: string): QuarryError {
  return new QuarryError(
    'INTERNAL',
    `${feature} is not available in this server: the server was started without it.`,
    { context: { httpStatus: 501 } },
  );
}

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
  DATASOURCE_UNAVAILABLE: 502,
  LLM_NOT_CONFIGURED: 503,
  LLM_UNAVAILABLE: 503,
  APP_DATABASE_UNAVAILABLE: 503,
};

/** body-parser's own errors (malformed JSON, body too large) carry `type` and `status`. */
function fromBodyParser(error: unknown): QuarryError | undefined {
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  if (type === 'entity.too.large') {
    return new QuarryError('PAYLOAD_TOO_LARGE', 'The request body is too large.', { cause: error });
  }
  if (type === 'entity.parse.failed') {
    return badRequest('The request body is not valid JSON.', { body: 'must be valid JSON' });
  }
  if (status >= 400 && status < 500) {
    return new QuarryError('BAD_REQUEST', 'The request body could not be read.', { cause: error });
  }
  return undefined;
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

/**
 * The admin API's one error handler: QuarryError → status and `{error: {code, message,
 * fields?}}`. Anything unexpected is logged and answered 500 without internals.
 */
export function apiErrorHandler(logger: Logger) {
  return (thrown: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) {
      next(thrown);
      return;
    }
    const error = fromBodyParser(thrown) ?? appDatabaseUnavailable(thrown) ?? toQuarryError(thrown);
    const override = error.context.httpStatus;
    const status = typeof override === 'number' ? override : (STATUS_BY_CODE[error.code] ?? 500);
    if (error.code === 'APP_DATABASE_UNAVAILABLE') {
      // An outage, not a bug: clients may retry; the log says what the driver said.
      response.setHeader('Retry-After', '5');
      logger.warn(
        { err: thrown, method: request.method, path: request.originalUrl },
        'admin API: the app database is unreachable',
      );
    } else if (status >= 500 && status !== 501) {
      logger.error(
        { err: thrown, method: request.method, path: request.originalUrl },
        'admin API error',
      );
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
