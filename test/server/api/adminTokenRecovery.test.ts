import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminToken } from '../../../server/src/api/adminToken.js';
import { tokenMatches } from '../../../server/src/http/auth.js';
import { openKnowledgeStore } from '../../../server/src/knowledge/store.js';
import { createLogger } from '../../../server/src/logger.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/** `npm run admin-token -- …` against the given app database, as an operator runs it. */
async function adminTokenCommand(appDatabaseUrl: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/src/api/adminTokenMain.ts', ...args],
    { cwd: ROOT, env: { PATH: process.env.PATH, APP_DATABASE_URL: appDatabaseUrl } },
  );
  return stdout.trim();
}

describe('a lost admin token', () => {
  let dir: string;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quarry-token-'));
    url = `sqlite:${join(dir, 'app.sqlite')}`;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const digestAtStart = async () => {
    const store = await openKnowledgeStore({ url, logger: createLogger('silent') });
    try {
      return await ensureAdminToken(store, undefined, () => undefined);
    } finally {
      await store.close();
    }
  };

  it('is replaced by npm run admin-token -- --reset, which the next start uses', async () => {
    const before = await digestAtStart();
    expect(await adminTokenCommand(url)).toMatch(/cannot be shown again.*--reset/);

    const reset = await adminTokenCommand(url, '--reset');
    expect(reset).toMatch(
      /^New admin token \(its hash is stored; restart every Quarry server to use it\): \S{40,}$/,
    );
    const fresh = /: (\S+)$/.exec(reset)?.[1] ?? '';
    const after = await digestAtStart();
    expect(after).not.toBe(before);
    expect(tokenMatches(fresh, after)).toBe(true);
  });
});
