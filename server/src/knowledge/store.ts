import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';
import { createSecretBox } from '../secrets.js';
import { openAppDatabase } from './dataSource.js';
import type { KnowledgeStore } from './port.js';
import { createAskRepository } from './repositories/asks.js';
import { Revision } from './repositories/common.js';
import { createDataSourceRepository } from './repositories/datasources.js';
import { createDictionaryRepository, loadAbbreviationMaps } from './repositories/dictionaries.js';
import { createInstructionRepository } from './repositories/instructions.js';
import { createSchemaDescriptionRepository } from './repositories/schemaDescriptions.js';
import { createSemanticLayerRepository } from './repositories/semantics.js';
import { createSettingsRepository } from './repositories/settings.js';
import { createSqlPairRepository } from './repositories/sqlPairs.js';

export interface KnowledgeStoreDeps {
  /** `sqlite:<path>` (parent directories are created; WAL) or `mysql://user:pass@host:port/db`. */
  url: string;
  logger: Logger;
  /**
   * Key material data-source URLs are encrypted with (QUARRY_SECRET_KEY, or the generated key
   * file: see `loadSecretKey`). Every process sharing the app database needs the same one;
   * composition roots always pass it. Unset (tests, tools): a key of this process only, so
   * what it stores is readable by it alone.
   */
  secretKey?: string;
  /** Tests only: build the schema from the entities instead of running the migrations. */
  synchronize?: boolean;
}

/** The key of stores opened without one: lives and dies with this process. */
const PROCESS_SECRET_KEY = randomBytes(32).toString('base64url');

/**
 * Opens the app database (`APP_DATABASE_URL`), runs pending migrations, and returns the
 * store. Several processes may open the same database; each sees the others' writes on its
 * next read. Fails with a QuarryError naming the (password-masked) URL when the database
 * can't be opened or migrated.
 */
export async function openKnowledgeStore(deps: KnowledgeStoreDeps): Promise<KnowledgeStore> {
  const synchronize = deps.synchronize ?? false;
  const dataSource = await openAppDatabase(deps.url, deps.logger, synchronize);
  if (synchronize) {
    // Migrations seed the revision row; a synchronized schema has to be given it here.
    const found = (await dataSource.query(
      'SELECT COUNT(*) AS n FROM knowledge_revision',
    )) as Array<{
      n: number | string;
    }>;
    if (Number(found[0]?.n) === 0) {
      await dataSource.query('INSERT INTO knowledge_revision (id, revision) VALUES (1, 0)');
    }
  }
  const revision = new Revision(dataSource);
  const datasources = createDataSourceRepository(
    dataSource,
    createSecretBox(deps.secretKey ?? PROCESS_SECRET_KEY),
    revision,
  );
  const sealed = await datasources.sealPlaintextUrls();
  if (sealed > 0) deps.logger.info({ sealed }, 'encrypted stored data-source URLs');

  let closed = false;

  return {
    sqlPairs: createSqlPairRepository(dataSource, revision),
    instructions: createInstructionRepository(dataSource, revision),
    dictionaries: {
      department: createDictionaryRepository(dataSource, revision, 'department'),
      project: createDictionaryRepository(dataSource, revision, 'project'),
    },
    datasources,
    asks: createAskRepository(dataSource, revision),
    settings: createSettingsRepository(dataSource),
    schemaDescriptions: createSchemaDescriptionRepository(dataSource, revision),
    semantics: createSemanticLayerRepository(dataSource, revision),

    abbreviationDictionaries: () => loadAbbreviationMaps(dataSource),

    revision: () => revision.current(),

    onRevision: (listener) => revision.onBump(listener),

    async close() {
      if (closed) return;
      closed = true;
      await dataSource.destroy();
    },
  };
}
