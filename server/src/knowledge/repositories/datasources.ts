import type { DataSourceView } from '@quarry/shared';
import type { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { QuarryError } from '../../errors.js';
import { DataSourceEntity, type DataSourceRow } from '../entities/index.js';
import type { DataSourceRepository } from '../port.js';
import { iso, uniquely } from './common.js';
import { listPage } from './listPage.js';

export const DEFAULT_DATASOURCE = 'default';
export const MASK = '***';

const PASSWORD_IN_AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@/]*)@/i;
const PASSWORD_IN_QUERY = /([?&]password=)([^&]*)/i;

/** The URL with any password replaced by `***`, and whether there was one. */
export function maskUrl(url: string): { url: string; has_password: boolean } {
  let hasPassword = false;
  const masked = url
    .replace(PASSWORD_IN_AUTHORITY, (match, head: string, password: string) => {
      if (password === '') return match;
      hasPassword = true;
      return `${head}${MASK}@`;
    })
    .replace(PASSWORD_IN_QUERY, (match, head: string, password: string) => {
      if (password === '') return match;
      hasPassword = true;
      return `${head}${MASK}`;
    });
  return { url: masked, has_password: hasPassword };
}

/** Where a URL connects, as `user@host:port`; undefined for one without a host (sqlite:). */
function endpointOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.username}@${parsed.host}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The URL to store when a client sends `candidate`: a password of `***` (the masked form the
 * console was shown) means "keep the stored password" — only for the same user, host and
 * port, so a changed URL can never carry the stored password to another server.
 */
export function mergeMaskedPassword(candidate: string, stored: string): string {
  if (candidate.includes(MASK) && endpointOf(candidate) !== endpointOf(stored)) {
    const message =
      'The user, host or port changed: enter the password for the new connection instead of ***.';
    throw new QuarryError('BAD_REQUEST', message, { context: { fields: { url: message } } });
  }
  const storedAuthority = PASSWORD_IN_AUTHORITY.exec(stored)?.[2] ?? '';
  const storedQuery = PASSWORD_IN_QUERY.exec(stored)?.[2] ?? '';
  return candidate
    .replace(PASSWORD_IN_AUTHORITY, (match, head: string, password: string) =>
      password === MASK ? `${head}${storedAuthority}@` : match,
    )
    .replace(PASSWORD_IN_QUERY, (match, head: string, password: string) =>
      password === MASK ? `${head}${storedQuery}` : match,
    );
}

function toView(row: DataSourceRow): DataSourceView {
  return {
    id: row.id,
    name: row.name,
    ...maskUrl(row.url),
    description: row.description,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function whereOf(idOrName: number | string): FindOptionsWhere<DataSourceRow> {
  return typeof idOrName === 'number' ? { id: idOrName } : { name: idOrName };
}

const duplicate = (name: string) => `A data source named "${name}" already exists.`;

/** Data sources; the real URL leaves this module only through `getUrl`. */
export function createDataSourceRepository(dataSource: DataSource): DataSourceRepository {
  const rows: Repository<DataSourceRow> = dataSource.getRepository(DataSourceEntity);

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
        toView,
      ),

    async get(idOrName) {
      const row = await rows.findOneBy(whereOf(idOrName));
      return row ? toView(row) : undefined;
    },

    async create(input) {
      const now = new Date();
      const values = {
        name: input.name,
        url: input.url,
        description: input.description || null,
        created_at: now,
        updated_at: now,
      };
      const result = await uniquely('name', duplicate(input.name), () => rows.insert(values));
      return toView({ ...values, id: Number(result.identifiers[0]?.id) });
    },

    async update(idOrName, input) {
      const stored = await require(idOrName);
      if (input.name !== undefined && input.name !== stored.name) {
        const message = 'A data source cannot be renamed: SQL pairs and asks refer to it by name.';
        throw new QuarryError('BAD_REQUEST', message, { context: { fields: { name: message } } });
      }
      const patch: Partial<DataSourceRow> = { updated_at: new Date() };
      if (input.url !== undefined) patch.url = mergeMaskedPassword(input.url, stored.url);
      if (input.description !== undefined) patch.description = input.description || null;
      await rows.update({ id: stored.id }, patch);
      return toView(await require(stored.id));
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
    },

    async getUrl(name) {
      const row = await rows.findOne({ select: { url: true }, where: { name } });
      return row?.url;
    },

    async ensureDefault(url) {
      const stored = await rows.findOneBy({ name: DEFAULT_DATASOURCE });
      const now = new Date();
      if (stored) {
        if (stored.url !== url) await rows.update({ id: stored.id }, { url, updated_at: now });
        return;
      }
      try {
        await rows.insert({
          name: DEFAULT_DATASOURCE,
          url,
          description: 'The database DATABASE_URL points at.',
          created_at: now,
          updated_at: now,
        });
      } catch {
        // Another process inserted it first; make sure it carries our URL.
        await rows.update({ name: DEFAULT_DATASOURCE }, { url, updated_at: now });
      }
    },
  };
}
