import { SiftError, type Embedder, type RunOptions } from '@sift/core';

/** A segmenter that works on sentence embeddings; `segment` embeds, `segmentVectors` reuses vectors you already have. */
export interface VectorSegmenter {
  readonly name: string;
  readonly embedder: Embedder;
  segmentVectors(vectors: readonly Float32Array[], opts?: { k?: number }): number[];
}

/** Embeds sentences with the segmenter's embedder, checking the count and dimension it returns. */
export async function embedSentences(embedder: Embedder, sentences: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
  if (sentences.length === 0) return [];
  const vectors = await embedder.embed(sentences, opts);
  if (vectors.length !== sentences.length || vectors.some((v) => v.length !== embedder.dim)) {
    throw new SiftError('E_RUNTIME', `embedder '${embedder.id}' returned ${vectors.length} vectors for ${sentences.length} sentences (dim ${embedder.dim})`);
  }
  return vectors;
}

export function requireEmbedder(embedder: Embedder | undefined, who: string): Embedder {
  if (!embedder) {
    throw new SiftError('E_BAD_CONFIG', `segmenter '${who}' needs an embedder: pass deps.embedder (e.g. await createEmbedder('use-lite'))`);
  }
  return embedder;
}
