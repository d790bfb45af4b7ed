import type { RunOptions } from '../abort.js';
import type { Embedder } from '../types.js';
import { EmbeddingCache, type EmbeddingCacheStats } from './embedding-cache.js';

/**
 * An embedder that looks texts up in an on-disk cache first and embeds only the misses (keyed by the inner
 * embedder's id, which must change whenever its vectors would). Owns the inner embedder: `close()` closes both.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  readonly #inner: Embedder;
  readonly #cache: EmbeddingCache;

  private constructor(inner: Embedder, cache: EmbeddingCache) {
    this.#inner = inner;
    this.#cache = cache;
    this.id = inner.id;
    this.dim = inner.dim;
    this.maxTokens = inner.maxTokens;
  }

  static async create(opts: { embedder: Embedder; dir: string }): Promise<CachedEmbedder> {
    // An embedder whose vectors depend on settings its public id leaves out (use-lite's long-text policy) names a
    // finer cacheId.
    const key = (opts.embedder as { cacheId?: unknown }).cacheId;
    const modelId = typeof key === 'string' && key.length > 0 ? key : opts.embedder.id;
    const cache = await EmbeddingCache.open({ dir: opts.dir, modelId, dim: opts.embedder.dim });
    return new CachedEmbedder(opts.embedder, cache);
  }

  /** The wrapped embedder's config (the cache does not change its vectors). */
  get config(): unknown {
    return (this.#inner as { config?: unknown }).config;
  }

  get inner(): Embedder {
    return this.#inner;
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    const found = await this.#cache.get(texts);
    const missIdx: number[] = [];
    const missText: string[] = [];
    const firstOf = new Map<string, number>();
    for (let i = 0; i < texts.length; i++) {
      if (found[i] !== undefined) continue;
      const t = texts[i]!;
      if (!firstOf.has(t)) {
        firstOf.set(t, missText.length);
        missText.push(t);
      }
      missIdx.push(i);
    }
    if (missText.length > 0) {
      const vecs = await this.#inner.embed(missText, opts);
      await this.#cache.put(missText, vecs);
      for (const i of missIdx) found[i] = vecs[firstOf.get(texts[i]!)!];
    }
    return found as Float32Array[];
  }

  stats(): EmbeddingCacheStats {
    return this.#cache.stats();
  }

  async close(): Promise<void> {
    await this.#cache.close();
    await this.#inner.close?.();
  }
}
