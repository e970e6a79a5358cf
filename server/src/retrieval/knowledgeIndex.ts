import type { Embedder } from '../ports.js';
import { HybridIndex } from './hybridIndex.js';
import { tokenize } from './tokenize.js';

export interface SqlPairDoc {
  question: string;
  sql: string;
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
  private readonly pairs: HybridIndex;
  private readonly pairById: Map<string, SqlPairDoc>;
  private readonly globalInstructions: string[];
  private readonly matched: { text: string; examples: Set<string>[] }[];

  constructor(
    pairs: readonly SqlPairDoc[],
    instructions: readonly InstructionDoc[],
    embedder?: Embedder,
  ) {
    this.pairById = new Map(pairs.map((pair, index) => [String(index), pair]));
    this.pairs = new HybridIndex(
      [
        { name: 'question', boost: 2 },
        { name: 'sql', boost: 0.5 },
      ],
      pairs.map((pair, index) => ({
        id: String(index),
        fields: { question: pair.question, sql: pair.sql },
        embeddingText: pair.question,
      })),
      embedder,
    );
    this.globalInstructions = instructions.filter((i) => i.scope === 'global').map((i) => i.text);
    this.matched = instructions
      .filter((i) => i.scope === 'matched')
      .map((i) => ({ text: i.text, examples: i.questions.map((q) => new Set(tokenize(q))) }));
  }

  /** The most similar SQL pairs, best first. */
  async samples(question: string, limit: number, signal?: AbortSignal): Promise<SqlPairDoc[]> {
    const hits = await this.pairs.search(question, limit, signal);
    const best = hits[0]?.score ?? 0;
    return hits
      .filter((hit) => hit.score >= best * SAMPLE_RELATIVE_SCORE)
      .flatMap((hit) => this.pairById.get(hit.id) ?? []);
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
