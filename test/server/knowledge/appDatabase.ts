import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../server/src/logger.js';
import { createTestDatabase } from '../../support/mariadb.js';

export const BACKENDS = ['sqlite', 'mariadb'] as const;
export type Backend = (typeof BACKENDS)[number];

export const silentLogger = createLogger('silent');

export interface AppDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty app database: a temp SQLite file, or a new MariaDB database. */
export async function createAppDatabase(backend: Backend, prefix: string): Promise<AppDatabase> {
  if (backend === 'mariadb') return createTestDatabase(prefix);
  const dir = await mkdtemp(join(tmpdir(), `quarry-${prefix}-`));
  return {
    // A nested path: opening the store must create missing parent directories.
    url: `sqlite:${join(dir, 'nested', 'quarry.sqlite')}`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}
