import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The repository root's `.env` (contract): wherever a process is started from, the server, a
 * worker and the bot read the same file.
 */
export const ENV_FILE = resolve(import.meta.dirname, '../../.env');

/**
 * The process environment with `envFile` read in (variables already set win), as a copy:
 * the one place a Quarry process reads `process.env`. Node-only (`@quarry/shared/environment`),
 * so the console's bundle never pulls it in.
 */
export function readEnvironment(envFile = ENV_FILE): Readonly<Record<string, string | undefined>> {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return { ...process.env };
}
