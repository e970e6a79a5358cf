import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

const DEMO_SQL_PATH = new URL('./demo.sql', import.meta.url);

/** The demo database as portable SQL (SQLite and MariaDB load the same text). */
export function demoSql(): Promise<string> {
  return readFile(DEMO_SQL_PATH, 'utf8');
}

/**
 * Which SQL a demo file was built from, kept in `PRAGMA user_version` so the data users see
 * has no bookkeeping table in it. 31 bits of SHA-256: a collision only skips a rebuild.
 */
function sqlVersion(sql: string): number {
  const version = createHash('sha256').update(sql).digest().readUInt32BE(0) >>> 1;
  return version === 0 ? 1 : version;
}

function builtVersion(path: string): number | undefined {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return Number(db.pragma('user_version', { simple: true }));
    } finally {
      db.close();
    }
  } catch {
    return undefined; // missing or not a database: build it
  }
}

/**
 * Makes sure `path` holds the demo SQLite database built from the current demo.sql (or
 * `options.sql`), building it when missing or built from other SQL, and returns its URL
 * `sqlite:<absolute path>`. The file is built under a temporary name and renamed into place,
 * so a concurrent start or an open reader never sees half a database.
 */
export async function ensureDemoDatabase(
  path: string,
  options: { sql?: string } = {},
): Promise<string> {
  const absolute = resolve(path);
  const sql = options.sql ?? (await demoSql());
  const version = sqlVersion(sql);
  if (builtVersion(absolute) === version) return `sqlite:${absolute}`;

  await mkdir(dirname(absolute), { recursive: true });
  const temporary = `${absolute}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const db = new Database(temporary);
    try {
      // Checking foreign keys while loading catches a generator bug before users do.
      db.pragma('foreign_keys = ON');
      db.transaction(() => db.exec(sql))();
      db.pragma(`user_version = ${version}`);
    } finally {
      db.close();
    }
    await rename(temporary, absolute);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return `sqlite:${absolute}`;
}
