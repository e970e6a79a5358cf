import { ConfigError, loadConfig } from '../config.js';
import { openKnowledgeStore } from '../knowledge/store.js';
import { createLogger } from '../logger.js';
import { resetAdminToken } from './adminToken.js';

/**
 * `npm run admin-token -- --reset`: replaces a lost admin token with a new one (only its hash is
 * stored, so the old one cannot be shown) and prints it; restart the servers to use it.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0] !== '--reset') {
    process.stdout.write(
      'Only the admin token’s hash is stored, so it cannot be shown again. Run `npm run admin-token -- --reset` to replace it with a new one, or set ADMIN_TOKEN and restart.\n',
    );
    process.exit(args.length === 0 ? 0 : 2);
  }
  const config = loadConfig();
  if (config.adminToken) {
    process.stdout.write(
      'ADMIN_TOKEN is set in the environment (or .env): that value is the admin token; change it there and restart.\n',
    );
    return;
  }
  const store = await openKnowledgeStore({
    url: config.appDatabaseUrl,
    logger: createLogger('silent'),
  });
  try {
    const token = await resetAdminToken(store);
    process.stdout.write(
      `New admin token (its hash is stored; restart every Quarry server to use it): ${token}\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    error instanceof ConfigError ? `${message}\n` : `Could not reset the admin token: ${message}\n`,
  );
  process.exit(1);
});
