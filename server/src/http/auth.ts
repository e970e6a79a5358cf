import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { QuarryError } from '../errors.js';

/** A token as Quarry keeps it: SHA-256, hex. Equal lengths let comparisons run in constant time. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Whether `candidate` is the token whose digest (`tokenDigest`) is `expectedDigest`. The one
 * token comparison of Quarry: the candidate is hashed first, so two 32-byte digests are
 * compared in constant time whatever the candidate's length, and timing reveals neither the
 * token nor its length.
 */
export function tokenMatches(candidate: string, expectedDigest: string): boolean {
  const actual = createHash('sha256').update(candidate, 'utf8').digest();
  const expected = Buffer.from(expectedDigest, 'hex');
  // A malformed stored digest (not 64 hex digits) matches nothing; its length is no secret.
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/** The token of `Authorization: Bearer <token>`; the scheme's case does not matter (RFC 7235). */
export function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.*)$/i.exec(request.headers.authorization ?? '');
  return match ? (match[1] ?? '').trim() : undefined;
}

/** The token of a `/ws` or `/v1` request: the bearer token, else `?token=`. */
export function requestToken(request: IncomingMessage, url: URL): string | undefined {
  return bearerToken(request) ?? url.searchParams.get('token') ?? undefined;
}

/**
 * The digests of the tokens `/ws` and `/v1/*` accept: none when API_TOKENS is unset (they stay
 * open), otherwise the API tokens and the admin token too, a stronger credential that the
 * console already holds (known here only by its digest).
 */
export function clientTokens(apiTokens: readonly string[], adminTokenDigest: string): string[] {
  return apiTokens.length === 0 ? [] : [...apiTokens.map(tokenDigest), adminTokenDigest];
}

/** Open when `tokens` (digests, see `clientTokens`) is empty; otherwise one of them is required. */
export function isAuthorized(
  request: IncomingMessage,
  url: URL,
  tokens: readonly string[],
): boolean {
  if (tokens.length === 0) return true;
  const token = requestToken(request, url);
  if (token === undefined) return false;
  return tokens.some((expected) => tokenMatches(token, expected));
}

/** Express middleware of `/v1`: a client token (see `isAuthorized`) or 401. */
export function requireClientToken(tokens: readonly string[]) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (isAuthorized(request, new URL(request.originalUrl, 'http://localhost'), tokens)) {
      next();
      return;
    }
    next(
      new QuarryError(
        'UNAUTHORIZED',
        'A valid API token is required (Authorization: Bearer <token>).',
      ),
    );
  };
}

/**
 * Express middleware of `/api`: `Authorization: Bearer <ADMIN_TOKEN>` (checked against its
 * digest) or 401 before anything else runs. Not `?token=`: the admin token stays out of URLs
 * and the logs that keep them.
 */
export function requireAdminToken(adminTokenDigest: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const token = bearerToken(request);
    if (token && tokenMatches(token, adminTokenDigest)) {
      next();
      return;
    }
    response.setHeader('WWW-Authenticate', 'Bearer realm="quarry-admin"');
    next(
      new QuarryError(
        'UNAUTHORIZED',
        token
          ? 'The admin token is wrong. Use the token printed at first start or set in ADMIN_TOKEN.'
          : 'Send the admin token as "Authorization: Bearer <token>".',
      ),
    );
  };
}
