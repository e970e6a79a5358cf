import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Constant-time token comparison, so response timing reveals nothing about a token. */
export function tokenMatches(candidate: string, expected: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The bearer token of a request, from `Authorization: Bearer …` or `?token=`. */
export function requestToken(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return url.searchParams.get('token') ?? undefined;
}

/**
 * The tokens `/ws` and `/v1/*` accept: none when API_TOKENS is unset (they stay open), otherwise
 * the API tokens and the admin token too, a stronger credential that the console already holds.
 */
export function clientTokens(apiTokens: readonly string[], adminToken: string): string[] {
  return apiTokens.length === 0 ? [] : [...apiTokens, adminToken];
}

/** Open when `tokens` is empty; otherwise one of them is required. */
export function isAuthorized(
  request: IncomingMessage,
  url: URL,
  tokens: readonly string[],
): boolean {
  if (tokens.length === 0) return true;
  const token = requestToken(request, url);
  return token !== undefined && tokens.some((expected) => tokenMatches(token, expected));
}
