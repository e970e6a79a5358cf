import { describeReason, type ErrorCode, type Reason } from '@quarry/shared';
import type { QuarryError } from '../errors.js';
import { refusalReason } from '../sql/refusalReasons.js';

/**
 * What an employee reads about a failure, in the question's language: what happened and
 * what to try, never the guard's instructions to the model ("…so leave it out"), which the
 * correction prompt still gets word for word. Failures a database reported keep the
 * database's own message: it names the problem exactly.
 */
export function forPeople(
  code: ErrorCode,
  message: string,
  language: 'zh' | 'en',
  reason?: Reason,
): string {
  if (reason) return describeReason(reason, language);
  if (code === 'UNSAFE_SQL') return describeReason(refusalReason(message), language);
  if (code === 'STOPPED') return describeReason({ code: 'ask_stopped' }, language);
  return message;
}

/**
 * The failure as a reason, for clients that say it in their reader's language (the console):
 * the reason people were told, else what the database reported, its own words as `detail`.
 */
export function reasonOfFailure(error: QuarryError): { reason?: Reason } {
  const own = error.context.reason as Reason | undefined;
  if (own) return { reason: own };
  if (error.code === 'UNSAFE_SQL') return { reason: refusalReason(error.message) };
  if (error.code === 'STOPPED') return { reason: { code: 'ask_stopped' } };
  const database = error.context.databaseReason as Reason | undefined;
  return database ? { reason: database } : {};
}
