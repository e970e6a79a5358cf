import type { CellValue } from '@quarry/shared';
import type { Logger } from '../logger.js';
import type { DataSource, Embedder, TableInfo } from '../ports.js';
import { createCachedEmbedder } from './cachedEmbedder.js';
import { type InstructionDoc, KnowledgeIndex, type SqlPairDoc } from './knowledgeIndex.js';
import { SchemaIndex } from './schemaIndex.js';

/** The knowledge retrieval indexes, at one revision (a knowledge snapshot). */
export interface RetrievalKnowledge {
  revision: number;
  sqlPairs: readonly SqlPairDoc[];
  instructions: readonly InstructionDoc[];
  descriptions(
    datasource: string,
  ): readonly { table: string; column: string | null; description: string }[];
}

/** What retrieval reads; the composition root wires it to the knowledge snapshot. */
export interface RetrievalSources {
  /** The current knowledge; indexes are rebuilt when its revision moved. */
  knowledge(): Promise<RetrievalKnowledge>;
  /** Visible tables of a data source (hidden ones already removed). */
  tables(datasource: string): Promise<TableInfo[]>;
  dataSource(datasource: string): Promise<DataSource>;
}

/** Text columns with at most this many distinct values get their values indexed. */
const SAMPLE_VALUES = 12;
const SAMPLED_TYPES = /char|text|enum|string/i;
/** How long sampled values are reused before the database is read again. */
const SAMPLE_TTL_MS = 60 * 60 * 1000;

/**
 * Sample values per data source, table and column. They depend on the data, not on the
 * knowledge revision, so an admin's edit rebuilds the index without a scan of every column.
 */
function createSampleCache(now: () => number = Date.now) {
  const cached = new Map<string, { at: number; values: readonly CellValue[] }>();
  return async (
    key: string,
    read: () => Promise<readonly CellValue[]>,
  ): Promise<readonly CellValue[]> => {
    const hit = cached.get(key);
    if (hit && now() - hit.at < SAMPLE_TTL_MS) return hit.values;
    const values = await read();
    cached.set(key, { at: now(), values });
    return values;
  };
}

type SampleCache = ReturnType<typeof createSampleCache>;

/**
 * Retrieval for asks: indexes built once per knowledge revision (and per schema) and shared
 * by every ask; concurrent asks wait for one build.
 */
export function createRetrievalService(deps: {
  sources: RetrievalSources;
  embedder?: Embedder | undefined;
  logger: Logger;
}) {
  let knowledge: { revision: number; index: Promise<KnowledgeIndex> } | undefined;
  const schemas = new Map<string, { key: string; index: Promise<SchemaIndex> }>();
  const embedder = deps.embedder && createCachedEmbedder(deps.embedder, deps.logger);
  const samples = createSampleCache();

  /** What one ask reads: its knowledge and its visible tables. */
  type AskSources = Pick<RetrievalSources, 'knowledge' | 'tables'>;

  const knowledgeIndex = async (sources: AskSources): Promise<KnowledgeIndex> => {
    const current = await sources.knowledge();
    const { revision } = current;
    if (knowledge?.revision !== revision) {
      // A promise, so concurrent asks of a new revision share one build.
      const index = Promise.resolve().then(
        () => new KnowledgeIndex(current.sqlPairs, current.instructions, embedder),
      );
      knowledge = { revision, index };
      index.catch(() => {
        if (knowledge?.index === index) knowledge = undefined;
      });
    }
    return knowledge.index;
  };

  const schemaIndex = async (datasource: string, sources: AskSources): Promise<SchemaIndex> => {
    const [tables, current] = await Promise.all([sources.tables(datasource), sources.knowledge()]);
    // Tables come from a TTL cache, so the same array means the same schema.
    const key = `${current.revision}:${tables.map((t) => `${t.name}(${t.columns.length})`).join(',')}`;
    const cached = schemas.get(datasource);
    if (cached?.key === key) return cached.index;
    const descriptions = current.descriptions(datasource);
    const index = describeTables(deps, samples, datasource, tables, descriptions).then(
      (described) => new SchemaIndex(described, embedder),
    );
    schemas.set(datasource, { key, index });
    index.catch(() => schemas.delete(datasource));
    return index;
  };

  /** Retrieval over `sources`; the indexes are shared, keyed by revision and schema. */
  const at = (sources: AskSources) => ({
    async sqlSamples(datasource: string, question: string, limit: number, signal?: AbortSignal) {
      return (await knowledgeIndex(sources)).samples(datasource, question, limit, signal);
    },
    async instructions(question: string) {
      return (await knowledgeIndex(sources)).instructions(question);
    },
    async schema(datasource: string, question: string, maxTables: number, signal?: AbortSignal) {
      return (await schemaIndex(datasource, sources)).retrieve(question, {
        maxTables,
        ...(signal ? { signal } : {}),
      });
    },
  });

  return {
    ...at(deps.sources),
    /** The same retrieval over one ask's knowledge snapshot and tables. */
    at,
  };
}

export type RetrievalService = ReturnType<typeof createRetrievalService>;

/**
 * Admin descriptions and the values of low-cardinality text columns, folded into the comments
 * of the tables: the index finds a table by them, and the model reads them in the DDL.
 */
async function describeTables(
  deps: { sources: RetrievalSources; logger: Logger },
  sampled: SampleCache,
  datasource: string,
  tables: TableInfo[],
  descriptions: ReturnType<RetrievalKnowledge['descriptions']>,
): Promise<TableInfo[]> {
  const source = await deps.sources.dataSource(datasource);
  const described = new Map(
    descriptions.map((d) => [`${d.table}\u0000${d.column ?? ''}`, d.description]),
  );
  const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join('; ') || undefined;
  const enriched: TableInfo[] = [];
  for (const table of tables) {
    const columns = [];
    for (const column of table.columns) {
      let values: readonly CellValue[] = [];
      // Metrics and calculated fields are not stored: there is nothing to sample.
      const stored = table.metric === undefined && column.calculated === undefined;
      if (stored && SAMPLED_TYPES.test(column.type) && !column.primaryKey) {
        try {
          values = await sampled(`${datasource}\u0000${table.name}\u0000${column.name}`, () =>
            source.sampleValues(table.name, column.name, SAMPLE_VALUES + 1),
          );
        } catch (error) {
          deps.logger.debug(
            { err: error, table: table.name, column: column.name },
            'no sample values',
          );
        }
      }
      // Many distinct values (names, free text) say little about meaning and bloat the prompt.
      const examples =
        values.length > 0 && values.length <= SAMPLE_VALUES
          ? `values: ${values.join(', ')}`
          : undefined;
      const comment = join(
        column.comment,
        described.get(`${table.name}\u0000${column.name}`),
        examples,
      );
      columns.push(comment ? { ...column, comment } : column);
    }
    const comment = join(table.comment, described.get(`${table.name}\u0000`));
    enriched.push({ ...table, columns, ...(comment ? { comment } : {}) });
  }
  return enriched;
}
