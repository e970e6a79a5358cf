import { loadSpiderCatalogue, loadSpiderQuestions } from '../server/src/eval/spider.js';
import type { TableInfo } from '../server/src/ports.js';
import { SchemaIndex } from '../server/src/retrieval/schemaIndex.js';

export interface RetrievalRecall {
  questions: number;
  tables: number;
  fullRecall: number;
  meanTablesRetrieved: number;
  misses: { question: string; gold: string[]; got: string[] }[];
}

/**
 * The catalogue as a company database without foreign keys would show it: every declared key
 * dropped and given back as a semantic-layer relationship, as an admin would define it.
 */
export function keysAsRelationships(tables: readonly TableInfo[]): TableInfo[] {
  return tables.map((table) => ({
    ...table,
    foreignKeys: [],
    relationships: table.foreignKeys.map((key) => ({
      columns: [key.column],
      referencedTable: key.referencedTable,
      referencedColumns: [key.referencedColumn],
      kind: 'many_to_one' as const,
    })),
  }));
}

/**
 * Puts every table of the Spider dev databases into one catalogue (names qualified by
 * database) and measures, per question, whether every gold table is among those retrieved.
 * `relationships` drops the declared foreign keys and defines them as relationships instead.
 */
export async function measureSchemaRecall(
  maxTables = 8,
  options: { relationships?: boolean } = {},
): Promise<RetrievalRecall> {
  const { databases: available, tables: loaded } = await loadSpiderCatalogue();
  const catalogue = options.relationships ? keysAsRelationships(loaded) : loaded;
  const index = new SchemaIndex(catalogue);
  const questions = (await loadSpiderQuestions()).filter((q) => available.includes(q.db_id));
  let full = 0;
  let retrievedTotal = 0;
  const misses: RetrievalRecall['misses'] = [];
  for (const question of questions) {
    const got = (await index.retrieve(question.question, { maxTables })).map((t) =>
      t.name.toLowerCase(),
    );
    retrievedTotal += got.length;
    const gold = question.goldTables.map((table) => `${question.db_id}.${table}`.toLowerCase());
    if (gold.every((table) => got.includes(table))) full += 1;
    else misses.push({ question: question.question, gold, got });
  }
  return {
    questions: questions.length,
    tables: catalogue.length,
    fullRecall: full / questions.length,
    meanTablesRetrieved: retrievedTotal / questions.length,
    misses,
  };
}

if (process.argv[1]?.endsWith('schemaRetrieval.ts')) {
  const result = await measureSchemaRecall(Number(process.argv[2] ?? 8));
  console.log(
    `tables ${result.tables}, questions ${result.questions}, full recall ${(result.fullRecall * 100).toFixed(1)}%, mean tables ${result.meanTablesRetrieved.toFixed(2)}`,
  );
  for (const miss of result.misses.slice(0, Number(process.argv[3] ?? 15)))
    console.log(JSON.stringify(miss));
}
