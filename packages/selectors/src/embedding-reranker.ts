import { cosine, type Embedder, type Reranker, type RunOptions } from '@sift/core';

/** Cosine similarity between the query's and each text's embedding, with any `Embedder`. */
export class EmbeddingReranker implements Reranker {
  readonly id: string;
  readonly #embedder: Embedder;
  calls = 0;

  constructor(embedder: Embedder) {
    this.#embedder = embedder;
    this.id = `embedding:${embedder.id}`;
  }

  async score(query: string, texts: string[], opts: RunOptions = {}): Promise<Float32Array> {
    if (texts.length === 0) return new Float32Array(0);
    const [q, ...vs] = await this.#embedder.embed([query, ...texts], opts);
    this.calls += texts.length;
    return Float32Array.from(vs, (v) => cosine(q!, v));
  }
}
