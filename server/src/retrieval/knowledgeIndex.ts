import type { Embedder } from '../ports.js';
import { HybridIndex } from './hybridIndex.js';
import { tokenize } from './tokenize.js';

export interface SqlPairDoc {
  question: string;
  sql: string;
  /** The data source the SQL was written for: samples never cross data sources. */
  datasource: string;
}

/** One data source's SQL pairs, searchable. */
interface PairIndex {
  index: HybridIndex;
  byId: Map<string, SqlPairDoc>;
}

export interface InstructionDoc {
  text: string;
  scope: 'global' | 'matched';
  questions: readonly string[];
}

/** A matched instruction applies when this share of an example question's terms is asked. */
const INSTRUCTION_MATCH = 0.6;
/** A SQL pair is a useful sample only when it scores this share of the best pair. */
const SAMPLE_RELATIVE_SCORE = 0.3;

/**
 * SQL pairs (few-shot samples) and instructions, indexed for one knowledge revision.
 */
export class KnowledgeIndex {
  private readonly pairs = new Map<string, PairIndex>();
  private readonly globalInstructions: string[];
  private readonly matched: { text: string; examples: Set<string>[] }[];

  constructor(
    pairs: readonly SqlPairDoc[],
    instructions: readonly InstructionDoc[],
    embedder?: Embedder,
  ) {
    const bySource = new Map<string, SqlPairDoc[]>();
    for (const pair of pairs) {
      const group = bySource.get(pair.datasource);
      if (group) group.push(pair);
      else bySource.set(pair.datasource, [pair]);
    }
    for (const [datasource, group] of bySource) {
      const index = new HybridIndex(
        [
          { name: 'question', boost: 2 },
          { name: 'sql', boost: 0.5 },
        ],
        group.map((pair, i) => ({
          id: String(i),
          fields: { question: pair.question, sql: pair.sql },
          embeddingText: pair.question,
        })),
        embedder,
      );
      this.pairs.set(datasource, {
        index,
        byId: new Map(group.map((pair, i) => [String(i), pair])),
      });
    }
    this.globalInstructions = instructions.filter((i) => i.scope === 'global').map((i) => i.text);
    this.matched = instructions
      .filter((i) => i.scope === 'matched')
      .map((i) => ({ text: i.text, examples: i.questions.map((q) => new Set(tokenize(q))) }));
  }

  /** The SQL pairs of `datasource` most similar to the question, best first. */
  async samples(
    datasource: string,
    question: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<SqlPairDoc[]> {
    const pairs = this.pairs.get(datasource);
    if (!pairs) return [];
    const hits = await pairs.index.search(question, limit, signal);
    const best = hits[0]?.score ?? 0;
    return hits
      .filter((hit) => hit.score >= best * SAMPLE_RELATIVE_SCORE)
      .flatMap((hit) => pairs.byId.get(hit.id) ?? []);
  }

  /** Every global instruction, then the matched ones whose example questions this question resembles. */
  instructions(question: string): string[] {
    const asked = new Set(tokenize(question));
    const matched = this.matched.filter((instruction) =>
      instruction.examples.some((example) => coverage(example, asked) >= INSTRUCTION_MATCH),
    );
    return [...this.globalInstructions, ...matched.map((instruction) => instruction.text)];
  }
}

/** Share of the example's terms that the question contains. */
function coverage(example: Set<string>, asked: Set<string>): number {
  if (example.size === 0) return 0;
  let shared = 0;
  for (const term of example) if (asked.has(term)) shared += 1;
  return shared / example.size;
}
