import type { Logger } from '../logger.js';
import type { Embedder } from '../ports.js';

/** Vectors kept; a knowledge base of 10,000 pairs and 2,000 tables fits with room to spare. */
const DEFAULT_CAPACITY = 50_000;

/**
 * The embedder retrieval uses: each distinct text is embedded once and remembered (least
 * recently used out first), so rebuilding an index after one admin edit embeds only what the
 * edit changed. Failures are logged here and rethrown; the indexes fall back to lexical
 * search (see HybridIndex.search).
 */
export function createCachedEmbedder(
  embedder: Embedder,
  logger: Logger,
  capacity = DEFAULT_CAPACITY,
): Embedder {
  const vectors = new Map<string, number[]>();
  const remember = (text: string, vector: number[]) => {
    vectors.delete(text);
    vectors.set(text, vector);
    if (vectors.size > capacity) {
      const oldest = vectors.keys().next().value;
      if (oldest !== undefined) vectors.delete(oldest);
    }
  };
  return {
    async embed(texts, signal) {
      const missing = [...new Set(texts.filter((text) => !vectors.has(text)))];
      if (missing.length > 0) {
        let embedded: number[][];
        try {
          embedded = await embedder.embed(missing, signal);
        } catch (error) {
          if (!signal?.aborted) {
            logger.warn({ err: error }, 'embeddings failed; retrieval is lexical for now');
          }
          throw error;
        }
        missing.forEach((text, index) => {
          const vector = embedded[index];
          if (vector) remember(text, vector);
        });
      }
      return texts.map((text) => {
        const vector = vectors.get(text) ?? [];
        // Reading a vector makes it recent again.
        if (vector.length > 0) remember(text, vector);
        return vector;
      });
    },
  };
}
