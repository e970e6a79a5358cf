import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A real SQLite database file with one table, in a fresh temp directory (data-source URLs
 * must name an existing SQLite file). The OS cleans the temp directory.
 */
export async function sqliteDatabaseFile(name: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'quarry-sqlite-')), `${name}.sqlite`);
  const db = new Database(path);
  db.exec('CREATE TABLE placeholder_rows (id INTEGER PRIMARY KEY)');
  db.close();
  return path;
}
