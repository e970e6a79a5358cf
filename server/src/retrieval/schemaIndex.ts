import type { Embedder, TableInfo } from '../ports.js';
import { HybridIndex } from './hybridIndex.js';

export interface SchemaRetrievalOptions {
  maxTables: number;
  /** Tables scoring below this share of the best score are not taken on their own. */
  relativeThreshold?: number;
  signal?: AbortSignal;
}

/**
 * An index of one data source's tables: names, columns, comments (which carry admin
 * descriptions and sample values) and foreign keys. `retrieve` returns the tables a question needs, best first, with
 * the join partners that connect them.
 */
export class SchemaIndex {
  private readonly index: HybridIndex;
  private readonly byName: Map<string, TableInfo>;
  private readonly neighbours: Map<string, Set<string>>;

  /** `tables` carry their descriptions and sample values in their comments. */
  constructor(
    readonly tables: readonly TableInfo[],
    embedder?: Embedder,
  ) {
    this.byName = new Map(tables.map((table) => [table.name, table]));
    this.neighbours = linkTables(tables);
    this.index = new HybridIndex(
      [
        { name: 'name', boost: 3 },
        { name: 'columns', boost: 1.5 },
        { name: 'text', boost: 1 },
      ],
      tables.map((table) => tableDocument(table, this.neighbours)),
      embedder,
    );
  }

  async retrieve(question: string, options: SchemaRetrievalOptions): Promise<TableInfo[]> {
    const { maxTables } = options;
    const hits = await this.index.search(question, maxTables * 2, options.signal);
    const best = hits[0]?.score ?? 0;
    const threshold = best * (options.relativeThreshold ?? 0.2);
    const chosen: string[] = [];
    for (const hit of hits) {
      if (chosen.length >= maxTables || hit.score < threshold) break;
      chosen.push(hit.id);
    }
    for (const partner of this.joinPartners(
      chosen,
      hits.map((hit) => hit.id),
    )) {
      if (chosen.length >= maxTables) break;
      chosen.push(partner);
    }
    return chosen.flatMap((name) => this.byName.get(name) ?? []);
  }

  /**
   * Tables that connect the chosen ones: bridges linked to two or more chosen tables first,
   * then direct neighbours of the two best tables, each group in search order.
   */
  private joinPartners(chosen: readonly string[], ranked: readonly string[]): string[] {
    const taken = new Set(chosen);
    const rank = (name: string) => {
      const position = ranked.indexOf(name);
      return position === -1 ? ranked.length : position;
    };
    const candidates = new Map<string, number>();
    for (const table of chosen) {
      for (const neighbour of this.neighbours.get(table) ?? []) {
        if (!taken.has(neighbour)) candidates.set(neighbour, (candidates.get(neighbour) ?? 0) + 1);
      }
    }
    const bridges = [...candidates].filter(([, links]) => links >= 2).map(([name]) => name);
    const nearBest = new Set(
      chosen.slice(0, 2).flatMap((table) => [...(this.neighbours.get(table) ?? [])]),
    );
    const firstNeighbours = [...nearBest].filter(
      (name) => !taken.has(name) && !bridges.includes(name),
    );
    return [
      ...bridges.sort((a, b) => rank(a) - rank(b)),
      ...firstNeighbours.sort((a, b) => rank(a) - rank(b)),
    ];
  }
}

function linkTables(tables: readonly TableInfo[]): Map<string, Set<string>> {
  const links = new Map<string, Set<string>>(tables.map((table) => [table.name, new Set()]));
  const link = (from: string, to: string) => {
    if (from === to || !links.has(to)) return;
    links.get(from)?.add(to);
    links.get(to)?.add(from);
  };
  for (const table of tables) {
    for (const key of table.foreignKeys) link(table.name, key.referencedTable);
    // The semantic layer's relationships join like foreign keys the database never declared.
    for (const relation of table.relationships ?? []) link(table.name, relation.referencedTable);
    // A metric brings the tables it reads, so a question about it also sees where it comes from.
    for (const read of table.metric ? tablesRead(table.metric.sql, links) : []) {
      link(table.name, read);
    }
  }
  return links;
}

function tableDocument(table: TableInfo, neighbours: Map<string, Set<string>>) {
  const name = [table.name, table.comment].filter(Boolean).join(' ');
  const columnText = table.columns.flatMap((column) => (column.comment ? [column.comment] : []));
  return {
    id: table.name,
    fields: {
      name,
      columns: table.columns.map((column) => column.name).join(' '),
      text: [...columnText, ...(neighbours.get(table.name) ?? [])].join(' '),
    },
    embeddingText: `${name}\n${table.columns.map((c) => c.name).join(', ')}\n${columnText.join('\n')}`,
  };
}

/** The known tables a metric's SQL names (whole words, case-insensitive). */
function tablesRead(sql: string, known: ReadonlyMap<string, unknown>): string[] {
  const words = new Set(sql.toLowerCase().match(/[\p{L}\p{N}_$]+/gu) ?? []);
  return [...known.keys()].filter((name) => words.has(name.toLowerCase()));
}
