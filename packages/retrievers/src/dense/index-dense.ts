import { SiftError, type Chunk, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import type { Table } from '@lancedb/lancedb';
import type { z } from 'zod';
import { DenseLegSchema, type HybridSpecSchema } from './dense-spec.js';
import { HnswIndex } from './hnsw-index.js';
import { HnswRetriever } from './hnsw-retriever.js';
import { HybridRetriever } from './hybrid-retriever.js';
import { LanceDenseRetriever } from './lance-dense-retriever.js';
import { LanceFtsRetriever } from './lance-fts-retriever.js';

/** The parts of a SiftIndex that dense retrieval reads (kept structural so this folder does not import sift-index). */
export interface DenseIndexView {
  readonly dir: string;
  readonly manifest: { generation: number; embedder: { id: string; dim: number } | null; extensions: Record<string, { generation: number }> };
  getChunks(ids: readonly string[]): Promise<Chunk[]>;
  lanceTable(name: 'chunks'): Table;
}

type Deps = RunOptions & { embedder?: Embedder };

/** The query embedder must be the one the index was built with, or the vectors are not comparable. */
function checkEmbedder(index: DenseIndexView, deps: Deps): Embedder {
  const built = index.manifest.embedder;
  if (!built) {
    throw new SiftError('E_BAD_CONFIG', `Index ${index.dir} has no vectors (built without an embedder); use the bm25 retriever or re-index with one`, {
      details: { key: 'retriever' },
    });
  }
  const e = deps.embedder;
  if (!e) throw new SiftError('E_BAD_CONFIG', `Dense retrieval over ${index.dir} needs the embedder it was built with (${built.id})`, { details: { key: 'embedder' } });
  if (e.id !== built.id || e.dim !== built.dim) {
    throw new SiftError('E_BAD_CONFIG', `Index ${index.dir} was built with embedder ${built.id} (dim ${built.dim}), not ${e.id} (dim ${e.dim})`, {
      details: { key: 'embedder' },
    });
  }
  return e;
}

/**
 * Dense retrieval over an on-disk index: through its HNSW graph when the graph was written by the add that made the
 * committed generation (backend auto/hnsw), else through LanceDB over the committed chunks table (exact scan, or an
 * IVF index if the table has one). An add without the hnsw extension (or an optimize) leaves the graph behind, and
 * LanceDB answers until the next add with the extension. The graph is read once; reopen the retriever after adds.
 */
export async function indexDenseRetriever(index: DenseIndexView, spec: z.output<typeof DenseLegSchema>, deps: Deps): Promise<Retriever> {
  const embedder = checkEmbedder(index, deps);
  const { generation, extensions } = index.manifest;
  if (spec.backend === 'auto' || spec.backend === 'hnsw') {
    const committed = extensions['hnsw']?.generation === generation ? generation : undefined;
    const fresh = committed !== undefined && HnswIndex.exists(index.dir);
    if (fresh) {
      const graph = await HnswIndex.load(index.dir, { ef: spec.ef });
      if (graph.generation === committed) return new HnswRetriever(graph, embedder, (ids) => index.getChunks(ids));
    }
    if (spec.backend === 'hnsw') {
      throw new SiftError('E_INDEX_MISSING', `Index ${index.dir} has no HNSW graph for its committed generation; re-index with the hnsw extension`, {
        details: { dir: index.dir },
      });
    }
  }
  const flat = spec.backend === 'flat';
  return LanceDenseRetriever.open(
    () => index.lanceTable('chunks'),
    { ...(spec.lance ?? {}), ...(flat ? { index: 'flat' as const } : {}), ...(spec.space === 'ip' ? { distance: 'dot' as const } : {}) },
    { embedder, build: false },
  );
}

/** Hybrid over an on-disk index: `bm25` (the index's own, built by the caller) or LanceDB FTS, fused with dense. */
export async function indexHybridRetriever(
  index: DenseIndexView,
  spec: z.output<typeof HybridSpecSchema>,
  deps: Deps,
  bm25: () => Promise<Retriever>,
): Promise<Retriever> {
  const dense = await indexDenseRetriever(index, spec.dense ?? DenseLegSchema.parse({}), deps);
  const lexical = spec.lexical === 'bm25' ? await bm25() : await LanceFtsRetriever.open(() => index.lanceTable('chunks'), {}, { build: false });
  return HybridRetriever.create(
    { lexical, dense },
    { rrfK: spec.rrfK, lexicalWeight: spec.lexicalWeight, denseWeight: spec.denseWeight, depth: spec.depth },
  );
}
