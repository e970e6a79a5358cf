import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDataSourceUrl } from '@quarry/shared';
import { QuarryError } from './errors.js';
import type { Logger } from './logger.js';

/** What a sealed value starts with; anything else in the column is legacy plaintext. */
const SEALED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts secrets the app database keeps (data-source URLs with their passwords) with
 * AES-256-GCM, so a copy of the app database alone reveals none of them. Promises: `open`
 * returns what `seal` was given, with the same key; a value sealed under another key, or
 * changed, is refused (never returned garbled). Leaves out: where the key comes from
 * (`loadSecretKey`).
 */
export interface SecretBox {
  seal(plain: string): string;
  /** Plaintext (a row written before encryption) is returned as it is. */
  open(stored: string): string;
  isSealed(stored: string): boolean;
}

/** A box whose AES key is the SHA-256 of `keyMaterial` (QUARRY_SECRET_KEY or the generated file). */
export function createSecretBox(keyMaterial: string): SecretBox {
  const key = createHash('sha256').update(keyMaterial, 'utf8').digest();
  const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);
  return {
    isSealed,
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${SEALED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(stored) {
      if (!isSealed(stored)) return stored;
      const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch (cause) {
        throw new QuarryError(
          'INTERNAL',
          'A stored data-source URL cannot be decrypted: QUARRY_SECRET_KEY is not the key it was saved with.',
          { cause },
        );
      }
    },
  };
}

export const SECRET_KEY_FILE = 'quarry-secret.key';

/**
 * Where the generated key lives when QUARRY_SECRET_KEY is unset: beside a SQLite app database,
 * otherwise in `./data`. Every process of one installation finds the same file.
 */
export function secretKeyPath(appDatabaseUrl: string): string {
  const reading = parseDataSourceUrl(appDatabaseUrl);
  if (reading.ok && reading.value.kind === 'sqlite' && reading.value.path !== ':memory:') {
    return join(dirname(resolve(reading.value.path)), SECRET_KEY_FILE);
  }
  return resolve('data', SECRET_KEY_FILE);
}

/**
 * The key material for the SecretBox: QUARRY_SECRET_KEY when set; otherwise the key file
 * beside the data directory, created (mode 0600, 32 random bytes) by the first process that
 * needs it. A generated key is logged as a warning once: production should set the variable
 * and keep it out of the app database's backups.
 */
export function loadSecretKey(
  configured: string | undefined,
  appDatabaseUrl: string,
  logger: Logger,
): string {
  if (configured) return configured;
  const path = secretKeyPath(appDatabaseUrl);
  const generated = randomBytes(32).toString('base64url');
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and linked into place, so a process starting at the same moment never
  // reads a half-written file: the link either appears whole or fails with EEXIST.
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, `${generated}\n`, { mode: 0o600 });
  try {
    linkSync(aside, path);
    logger.warn(
      { path },
      'QUARRY_SECRET_KEY is unset: generated a key for data-source passwords and stored it in this file. In production set QUARRY_SECRET_KEY and keep it apart from the app database.',
    );
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
  const stored = readFileSync(path, 'utf8').trim();
  if (stored.length < 16) {
    throw new QuarryError(
      'INTERNAL',
      `The key file ${path} is empty or too short; set QUARRY_SECRET_KEY or remove the file.`,
    );
  }
  return stored;
}
