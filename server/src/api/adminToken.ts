import { randomBytes } from 'node:crypto';
import { tokenDigest } from '../http/auth.js';
import type { KnowledgeStore } from '../knowledge/port.js';

/** Where releases before hashing kept the generated token in plain text; removed at start. */
export const ADMIN_TOKEN_SETTING = 'admin_token';
/** The SHA-256 (hex) of the generated admin token: all the app database knows of it. */
export const ADMIN_TOKEN_DIGEST_SETTING = 'admin_token_sha256';

/**
 * The admin token's digest (`tokenDigest`): of `ADMIN_TOKEN` when configured (never stored);
 * otherwise the one stored in the app database; otherwise of a new random token, whose digest
 * is stored and which is printed once. Every server process sharing the database ends up with
 * the same digest, and only the process that stored it prints the token. A plain-text token
 * left by an older release is replaced by its digest.
 */
export async function ensureAdminToken(
  store: Pick<KnowledgeStore, 'settings'>,
  configured: string | undefined,
  print: (line: string) => void,
): Promise<string> {
  if (configured) return tokenDigest(configured);
  const legacy = await store.settings.get(ADMIN_TOKEN_SETTING);
  if (legacy) {
    await store.settings.setIfAbsent(ADMIN_TOKEN_DIGEST_SETTING, tokenDigest(legacy));
    await store.settings.delete(ADMIN_TOKEN_SETTING);
  }
  const stored = await store.settings.get(ADMIN_TOKEN_DIGEST_SETTING);
  if (stored) return stored;
  const generated = randomBytes(32).toString('base64url');
  const digest = tokenDigest(generated);
  const kept = await store.settings.setIfAbsent(ADMIN_TOKEN_DIGEST_SETTING, digest);
  if (kept === digest) {
    print(`Admin token (shown once; only its hash is stored, so keep it now): ${generated}`);
  }
  return kept;
}

/**
 * A lost admin token: only its hash is stored, so it cannot be shown again; this makes a new
 * one, stores its digest in place of the old and returns it (servers read the digest at start,
 * so they need a restart to take it).
 */
export async function resetAdminToken(store: Pick<KnowledgeStore, 'settings'>): Promise<string> {
  const fresh = randomBytes(32).toString('base64url');
  await store.settings.set(ADMIN_TOKEN_DIGEST_SETTING, tokenDigest(fresh));
  if (await store.settings.get(ADMIN_TOKEN_SETTING))
    await store.settings.delete(ADMIN_TOKEN_SETTING);
  return fresh;
}
