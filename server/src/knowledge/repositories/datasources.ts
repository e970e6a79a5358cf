import {
  type DataSourceView,
  maskDataSourceUrl,
  PASSWORD_MASK,
  restoreMaskedPassword,
} from '@quarry/shared';
import type { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { QuarryError } from '../../errors.js';
import type { SecretBox } from '../../secrets.js';
import { DataSourceEntity, type DataSourceRow } from '../entities/index.js';
import type { DataSourceRepository } from '../port.js';
import { iso, type Revision, uniquely } from './common.js';
import { listPage } from './listPage.js';

export const DEFAULT_DATASOURCE = 'default';
export const MASK = PASSWORD_MASK;

/** The URL with any password replaced by `***`, and whether there was one. */
export function maskUrl(url: string): { url: string; has_password: boolean } {
  return maskDataSourceUrl(url);
}

/**
 * The URL to store when a client sends `candidate`: a password of `***` (the masked form the
 * console was shown) means "keep the stored password" — only for the same user, host and
 * port, so a changed URL can never carry the stored password to another server.
 */
export function mergeMaskedPassword(candidate: string, stored: string): string {
  const merged = restoreMaskedPassword(candidate, stored);
  if (merged === undefined) {
    const message =
      'The user, host or port changed: enter the password for the new connection instead of ***.';
    throw new QuarryError('BAD_REQUEST', message, { context: { fields: { url: message } } });
  }
  return merged;
}

/** Shown instead of a URL sealed under another QUARRY_SECRET_KEY. */
const UNREADABLE_URL = '(encrypted with another QUARRY_SECRET_KEY; enter the URL again)';

function toView(row: DataSourceRow, secrets: SecretBox): DataSourceView {
  let shown: { url: string; has_password: boolean };
  try {
    shown = maskUrl(secrets.open(row.url));
  } catch {
    shown = { url: UNREADABLE_URL, has_password: true };
  }
  return {
    id: row.id,
    name: row.name,
    ...shown,
    description: row.description,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function whereOf(idOrName: number | string): FindOptionsWhere<DataSourceRow> {
  return typeof idOrName === 'number' ? { id: idOrName } : { name: idOrName };
}

/** Whether a stored (sealed or legacy) URL is `url`; one sealed under another key is not. */
function sealedUrlIs(stored: string, url: string, secrets: SecretBox): boolean {
  try {
    return secrets.open(stored) === url;
  } catch {
    return false;
  }
}

const duplicate = (name: string) => `A data source named "${name}" already exists.`;

/**
 * Data sources; the real URL leaves this module only through `getUrl` and `urls`. URLs are
 * stored sealed by `secrets` (AES-GCM), so the app database alone holds no password. A change
 * moves the knowledge revision: asks find data sources in the knowledge snapshot.
 */
export function createDataSourceRepository(
  dataSource: DataSource,
  secrets: SecretBox,
  revision: Revision,
): DataSourceRepository {
  const rows: Repository<DataSourceRow> = dataSource.getRepository(DataSourceEntity);
  const view = (row: DataSourceRow) => toView(row, secrets);

  const require = async (idOrName: number | string): Promise<DataSourceRow> => {
    const row = await rows.findOneBy(whereOf(idOrName));
    if (!row) {
      throw new QuarryError('NOT_FOUND', `There is no data source ${JSON.stringify(idOrName)}.`, {
        context: { datasource: idOrName },
      });
    }
    return row;
  };

  return {
    list: (options) =>
      listPage(
        rows,
        options,
        { searchColumns: ['name', 'description'], order: { name: 'ASC' } },
        view,
      ),

    async get(idOrName) {
      const row = await rows.findOneBy(whereOf(idOrName));
      return row ? view(row) : undefined;
    },

    async create(input) {
      const now = new Date();
      const values = {
        name: input.name,
        url: secrets.seal(input.url),
        description: input.description || null,
        created_at: now,
        updated_at: now,
      };
      const result = await uniquely('name', duplicate(input.name), () => rows.insert(values));
      await revision.bump();
      return view({ ...values, id: Number(result.identifiers[0]?.id) });
    },

    async update(idOrName, input) {
      const stored = await require(idOrName);
      if (input.name !== undefined && input.name !== stored.name) {
        const message = 'A data source cannot be renamed: SQL pairs and asks refer to it by name.';
        throw new QuarryError('BAD_REQUEST', message, { context: { fields: { name: message } } });
      }
      const patch: Partial<DataSourceRow> = { updated_at: new Date() };
      if (input.url !== undefined) {
        patch.url = secrets.seal(mergeMaskedPassword(input.url, secrets.open(stored.url)));
      }
      if (input.description !== undefined) patch.description = input.description || null;
      await rows.update({ id: stored.id }, patch);
      await revision.bump();
      return view(await require(stored.id));
    },

    async delete(idOrName) {
      const stored = await require(idOrName);
      if (stored.name === DEFAULT_DATASOURCE) {
        throw new QuarryError(
          'BAD_REQUEST',
          'The "default" data source cannot be deleted; set DATABASE_URL to point it elsewhere.',
        );
      }
      await rows.delete({ id: stored.id });
      await revision.bump();
    },

    async getUrl(name) {
      const row = await rows.findOne({ select: { url: true }, where: { name } });
      return row === null ? undefined : secrets.open(row.url);
    },

    async urls() {
      const found = await rows.find({ select: { name: true, url: true } });
      const urls = new Map<string, string | Error>();
      for (const row of found) {
        try {
          urls.set(row.name, secrets.open(row.url));
        } catch (error) {
          urls.set(row.name, error instanceof Error ? error : new Error(String(error)));
        }
      }
      return urls;
    },

    async ensureDefault(url) {
      const stored = await rows.findOneBy({ name: DEFAULT_DATASOURCE });
      const now = new Date();
      const sealed = secrets.seal(url);
      if (stored) {
        if (!sealedUrlIs(stored.url, url, secrets)) {
          await rows.update({ id: stored.id }, { url: sealed, updated_at: now });
          await revision.bump();
        }
        return;
      }
      try {
        await rows.insert({
          name: DEFAULT_DATASOURCE,
          url: sealed,
          description: 'The database DATABASE_URL points at.',
          created_at: now,
          updated_at: now,
        });
      } catch {
        // Another process inserted it first; make sure it carries our URL.
        await rows.update({ name: DEFAULT_DATASOURCE }, { url: sealed, updated_at: now });
      }
      await revision.bump();
    },

    async sealPlaintextUrls() {
      let sealed = 0;
      for (const row of await rows.find({ select: { id: true, url: true } })) {
        if (secrets.isSealed(row.url)) continue;
        // Only where the row still holds the plaintext read: another process may seal it too.
        const result = await rows.update(
          { id: row.id, url: row.url },
          { url: secrets.seal(row.url) },
        );
        sealed += result.affected ?? 0;
      }
      return sealed;
    },
  };
}
