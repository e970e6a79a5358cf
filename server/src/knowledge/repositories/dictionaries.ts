import type { DictionaryEntry, DictionaryEntryInput, DictionaryKind } from '@quarry/shared';
import type { DataSource, Repository } from 'typeorm';
import { DictionaryEntryEntity, type DictionaryEntryRow } from '../entities/index.js';
import { abbreviationKey } from '../normalize.js';
import type { DictionaryRepository } from '../port.js';
import { createTransfer } from './bulkImport.js';
import { iso, type Revision } from './common.js';
import { createKnowledgeCrud, type KnowledgeTable } from './knowledgeTable.js';

function parseColumns(text: string | null | undefined): string[] {
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

/** Column names compare case-insensitively, as SQL identifiers do; stored lower-case, sorted. */
function columnsText(columns: readonly string[]): string {
  return JSON.stringify([...new Set(columns.map((column) => column.toLowerCase()))].sort());
}

function toEntry(row: DictionaryEntryRow): DictionaryEntry {
  return {
    id: row.id,
    kind: row.kind as DictionaryKind,
    abbreviation: row.abbreviation,
    full_name: row.full_name,
    columns: parseColumns(row.columns),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** One dictionary (department or project): abbreviation → full name, abbreviations unique. */
export function createDictionaryRepository(
  dataSource: DataSource,
  revision: Revision,
  kind: DictionaryKind,
): DictionaryRepository {
  const rows: Repository<DictionaryEntryRow> = dataSource.getRepository(DictionaryEntryEntity);
  const table = {
    what: `${kind} dictionary entry`,
    // Both dictionaries share one table; each sees and changes only its own kind's rows.
    scope: { kind },
    columnsOf: (input: DictionaryEntryInput) => ({
      kind,
      abbreviation: input.abbreviation,
      abbreviation_key: abbreviationKey(input.abbreviation),
      full_name: input.full_name,
      columns: columnsText(input.columns ?? []),
    }),
    toItem: toEntry,
    unique: {
      field: 'abbreviation',
      message: (values: { abbreviation: string }) =>
        `The ${kind} dictionary already has the abbreviation "${values.abbreviation}".`,
    },
    list: { searchColumns: ['abbreviation', 'full_name'], order: { abbreviation_key: 'ASC' } },
  } satisfies KnowledgeTable<DictionaryEntryRow, DictionaryEntry, DictionaryEntryInput>;

  return {
    ...createKnowledgeCrud(rows, revision, table),

    ...createTransfer(rows, revision, table, {
      columns: ['abbreviation', 'abbreviation_key', 'full_name', 'columns'],
      keyOf: (row) => row.abbreviation_key,
      isSame: (stored, values) =>
        stored.abbreviation === values.abbreviation &&
        stored.full_name === values.full_name &&
        stored.columns === values.columns,
      before: (stored, values) => ({
        ...(stored.abbreviation === values.abbreviation
          ? {}
          : { abbreviation: stored.abbreviation }),
        ...(stored.full_name === values.full_name ? {} : { full_name: stored.full_name }),
        ...(stored.columns === values.columns ? {} : { columns: parseColumns(stored.columns) }),
      }),
      exportOrder: { abbreviation_key: 'ASC' },
    }),
  };
}

/**
 * Both dictionaries as maps, read in one query, with the columns of the entries scoped to
 * columns; the caller caches them by revision.
 */
export async function loadAbbreviationMaps(dataSource: DataSource): Promise<
  Record<DictionaryKind, Map<string, string>> & {
    columns: Record<DictionaryKind, Map<string, string[]>>;
  }
> {
  const found = await dataSource.getRepository(DictionaryEntryEntity).find({
    select: { kind: true, abbreviation: true, full_name: true, columns: true },
    order: { id: 'ASC' },
  });
  const maps = {
    department: new Map<string, string>(),
    project: new Map<string, string>(),
    columns: { department: new Map<string, string[]>(), project: new Map<string, string[]>() },
  };
  for (const row of found) {
    const kind = row.kind as DictionaryKind;
    maps[kind]?.set(row.abbreviation, row.full_name);
    const columns = parseColumns(row.columns);
    if (columns.length > 0) maps.columns[kind]?.set(row.abbreviation, columns);
  }
  return maps;
}
