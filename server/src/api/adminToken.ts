import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { QuarryError } from '../errors.js';
import type { KnowledgeStore } from '../knowledge/port.js';

export const ADMIN_TOKEN_SETTING = 'admin_token';

/**
 * The admin token: `ADMIN_TOKEN` when configured; otherwise the one stored in the app
 * database; otherwise a new random one, stored and printed once. Every server process
 * sharing the database ends up with the same token, and only the process that stored it
 * prints it.
 */
export async function ensureAdminToken(
  store: Pick<KnowledgeStore, 'settings'>,
  configured: string | undefined,
  print: (line: string) => void,
): Promise<string> {
  if (configured) return configured;
  const stored = await store.settings.get(ADMIN_TOKEN_SETTING);
  if (stored) return stored;
  const generated = randomBytes(32).toString('base64url');
  const kept = await store.settings.setIfAbsent(ADMIN_TOKEN_SETTING, generated);
  if (kept === generated) {
    print(`Admin token (shown once, stored in the app database): ${generated}`);
  }
  return kept;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Compares in constant time. Hashing first gives both sides the same length, so neither the
 * content nor the length of the token leaks through timing.
 */
export function adminTokenMatches(candidate: string, expected: string): boolean {
  return timingSafeEqual(digest(candidate), digest(expected));
}

/** Express middleware: `Authorization: Bearer <ADMIN_TOKEN>` or 401 before anything else runs. */
export function requireAdminToken(adminToken: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1] && adminTokenMatches(match[1].trim(), adminToken)) {
      next();
      return;
    }
    response.setHeader('WWW-Authenticate', 'Bearer realm="quarry-admin"');
    next(
      new QuarryError(
        'UNAUTHORIZED',
        match
          ? 'The admin token is wrong. Use the token printed at first start or set in ADMIN_TOKEN.'
          : 'Send the admin token as "Authorization: Bearer <token>".',
      ),
    );
  };
}
