import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Constant-time token comparison, so response timing reveals nothing about a token. */
export function tokenMatches(candidate: string, expected: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A token as Quarry keeps it: SHA-256, hex. Equal lengths let comparisons run in constant time. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The bearer token of a request, from `Authorization: Bearer …` or `?token=`. */
export function requestToken(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return url.searchParams.get('token') ?? undefined;
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
  const digest = tokenDigest(token);
  return tokens.some((expected) => tokenMatches(digest, expected));
}
