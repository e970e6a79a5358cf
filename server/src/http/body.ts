import { type Reason, reasonOfIssue } from '@quarry/shared';
import type { Request } from 'express';
import type { z } from 'zod';
import { QuarryError } from '../errors.js';

/**
 * Reading requests, for `/v1` and `/api` alike: bodies and parameters are validated here with
 * zod, and what does not pass becomes one BAD_REQUEST naming every offending field (its
 * status is decided in `errors.ts`, like every other).
 */

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

/** Accepts only a JSON object body; anything else can't name fields. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(
      'The request body must be a JSON object.',
      { body: 'must be a JSON object' },
      { reason: { code: 'body_not_object' } },
    );
  }
  return body as Record<string, unknown>;
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
