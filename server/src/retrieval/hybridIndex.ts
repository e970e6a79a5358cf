import MiniSearch from 'minisearch';
import type { Embedder } from '../ports.js';
import { tokenize } from './tokenize.js';

export interface IndexField {
  name: string;
  boost: number;
}

export interface IndexedDocument {
  id: string;
  fields: Record<string, string>;
  /** The text embedded for semantic search (defaults to all fields joined). */
  embeddingText?: string;
}

export interface Hit {
  id: string;
  score: number;
}

/** Reciprocal-rank-fusion constant: the usual 60 keeps any single ranking from dominating. */
const RRF_K = 60;

/**
 * Lexical BM25 search (MiniSearch over our tokenizer) and, when an embedder is given, cosine
 * search over embeddings, fused by reciprocal rank. Built once per knowledge revision and
 * reused by every ask.
 */
export class HybridIndex {
  private readonly lexical: MiniSearch<{ id: string } & Record<string, string>>;
  private readonly documents: readonly IndexedDocument[];
  private vectors: Promise<number[][]> | undefined;

  constructor(
    private readonly fields: readonly IndexField[],
    documents: readonly IndexedDocument[],
    private readonly embedder?: Embedder,
  ) {
    this.documents = documents;
    this.lexical = new MiniSearch({
      fields: fields.map((field) => field.name),
      idField: 'id',
      tokenize: (text) => tokenize(text),
      processTerm: (term) => term,
      searchOptions: {
        boost: Object.fromEntries(fields.map((field) => [field.name, field.boost])),
        tokenize: (text) => tokenize(text),
        processTerm: (term) => term,
        combineWith: 'OR',
      },
    });
    this.lexical.addAll(documents.map((doc) => ({ id: doc.id, ...doc.fields })));
  }

  get size(): number {
    return this.documents.length;
  }

  /** BM25 hits, best first. */
  searchLexical(query: string, limit: number): Hit[] {
    return this.lexical
      .search(query)
      .slice(0, limit)
      .map((result) => ({ id: String(result.id), score: result.score }));
  }

  /**
   * Lexical and semantic hits fused; lexical alone when there is no embedder, or while the
   * embedding endpoint fails (an ask is answered without embeddings rather than not at all).
   */
  async search(query: string, limit: number, signal?: AbortSignal): Promise<Hit[]> {
    const lexical = this.searchLexical(query, Math.max(limit * 3, 20));
    if (!this.embedder || this.documents.length === 0) return lexical.slice(0, limit);
    let queryVector: number[] | undefined;
    let vectors: number[][];
    try {
      [[queryVector], vectors] = await Promise.all([
        this.embedder.embed([query], signal),
        this.documentVectors(signal),
      ]);
    } catch (error) {
      if (signal?.aborted) throw error;
      return lexical.slice(0, limit);
    }
    const semantic = this.documents
      .map((doc, index) => ({ id: doc.id, score: cosine(queryVector ?? [], vectors[index] ?? []) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.max(limit * 3, 20));
    return fuse([lexical, semantic]).slice(0, limit);
  }

  private documentVectors(signal?: AbortSignal): Promise<number[][]> {
    if (!this.vectors) {
      const texts = this.documents.map(
        (doc) =>
          doc.embeddingText ?? this.fields.map((field) => doc.fields[field.name] ?? '').join('\n'),
      );
      this.vectors = embedInBatches(this.embedder as Embedder, texts, signal);
      this.vectors.catch(() => {
        this.vectors = undefined;
      });
    }
    return this.vectors;
  }
}

async function embedInBatches(embedder: Embedder, texts: string[], signal?: AbortSignal) {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += 256) {
    vectors.push(...(await embedder.embed(texts.slice(start, start + 256), signal)));
  }
  return vectors;
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

function fuse(rankings: Hit[][]): Hit[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    for (const [rank, hit] of ranking.entries()) {
      scores.set(hit.id, (scores.get(hit.id) ?? 0) + 1 / (RRF_K + rank + 1));
    }
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score);
}
