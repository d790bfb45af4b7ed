import { SiftError, throwIfAborted, yieldToEventLoop, type Embedder, type RunOptions } from '@sift/core';
import { FlatIndex } from '../dense/flat-index.js';
import { HnswIndex } from '../dense/hnsw-index.js';

const EMBED_BATCH = 256;
// Exact search is cheap enough below this many entities; above it, HNSW keeps the build near-linear.
const EXACT_BELOW = 5000;

export interface SynonymOptions {
  threshold: number;
  maxPerEntity: number;
}

/**
 * Symmetric synonym edges (CSR) between entities whose name embeddings have cosine ≥ threshold, keeping each
 * entity's `maxPerEntity` closest ("NYC" ~ "New York City"). Names are embedded in batches, with abort checks.
 */
export async function synonymEdges(
  names: readonly string[],
  embedder: Embedder,
  opts: SynonymOptions,
  run: RunOptions = {},
): Promise<{ ptr: Uint32Array; idx: Uint32Array; sim: Float32Array }> {
  const n = names.length;
  const vectors: Float32Array[] = [];
  for (let i = 0; i < n; i += EMBED_BATCH) {
    throwIfAborted(run.signal);
    const batch = names.slice(i, i + EMBED_BATCH);
    const out = await embedder.embed(batch, run.signal ? { signal: run.signal } : {});
    if (out.length !== batch.length) {
      throw new SiftError('E_RUNTIME', `Embedder "${embedder.id}" returned ${out.length} vectors for ${batch.length} entity names`);
    }
    vectors.push(...out);
  }
  const ids = names.map((_, i) => String(i));
  const index =
    n < EXACT_BELOW
      ? new FlatIndex(embedder.dim, 'cosine', Math.max(1, n))
      : HnswIndex.create(embedder.dim, { initialCapacity: Math.max(1, n), seed: 7 });
  if (n > 0) index.add(ids, vectors);
  // Best similarity per unordered pair.
  const pairs = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let kept = 0;
    for (const hit of index.search(vectors[i]!, opts.maxPerEntity + 1)) {
      const j = Number(hit.id);
      if (j === i || hit.score < opts.threshold || kept >= opts.maxPerEntity) continue;
      kept++;
      const key = Math.min(i, j) * n + Math.max(i, j);
      pairs.set(key, Math.max(pairs.get(key) ?? -Infinity, hit.score));
    }
    if ((i + 1) % 1000 === 0) {
      await yieldToEventLoop();
      throwIfAborted(run.signal);
    }
  }
  const deg = new Uint32Array(n);
  for (const key of pairs.keys()) {
    deg[Math.floor(key / n)]!++;
    deg[key % n]!++;
  }
  const ptr = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) ptr[i + 1] = ptr[i]! + deg[i]!;
  const idx = new Uint32Array(ptr[n]!);
  const sim = new Float32Array(ptr[n]!);
  const fill = ptr.slice(0, n);
  // Sorted keys, lower neighbours first: each row comes out in ascending order.
  const sorted = [...pairs.entries()].sort((a, b) => a[0] - b[0]);
  for (const [key, s] of sorted) {
    const a = Math.floor(key / n);
    const b = key % n;
    idx[fill[b]!] = a;
    sim[fill[b]!++] = s;
  }
  for (const [key, s] of sorted) {
    const a = Math.floor(key / n);
    const b = key % n;
    idx[fill[a]!] = b;
    sim[fill[a]!++] = s;
  }
  return { ptr, idx, sim };
}
