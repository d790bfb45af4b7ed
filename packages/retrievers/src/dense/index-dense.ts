import { join } from 'node:path';
import { SiftError, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import type { z } from 'zod';
import { verifiedSideIndexFiles } from '../sift-index/side-index-files.js';
import { isSideIndexFresh } from '../sift-index/side-index.js';
import type { SiftIndex } from '../sift-index/sift-index.js';
import { DenseLegSchema, type HybridSpecSchema } from './dense-spec.js';
import { HnswIndex } from './hnsw-index.js';
import { HnswRetriever } from './hnsw-retriever.js';
import { HNSW_SIDE_INDEX, hnswStem } from './hnsw-side-index.js';
import { HybridRetriever } from './hybrid-retriever.js';
import { LanceDenseRetriever } from './lance-dense-retriever.js';
import { LanceFtsRetriever } from './lance-fts-retriever.js';

type Deps = RunOptions & { embedder?: Embedder };

/**
 * The query embedder: the caller's, which must be the one the index was built with (or the vectors are not
 * comparable), else the one the index re-creates from its manifest.
 */
async function queryEmbedder(index: SiftIndex, deps: Deps): Promise<Embedder> {
  const built = index.manifest.embedder;
  if (!built) {
    throw new SiftError('E_BAD_CONFIG', `Index ${index.dir} has no vectors (built without an embedder); use the bm25 retriever or re-index with one`, {
      details: { key: 'retriever' },
    });
  }
  const e = deps.embedder ?? (await index.embedder());
  if (e.id !== built.id || e.dim !== built.dim) {
    throw new SiftError('E_BAD_CONFIG', `Index ${index.dir} was built with embedder ${built.id} (dim ${built.dim}), not ${e.id} (dim ${e.dim})`, {
      details: { key: 'embedder' },
    });
  }
  return e;
}

/**
 * Dense retrieval over an on-disk index: through its committed HNSW side index (backend auto/hnsw; files checked
 * against their checksums), else through LanceDB over the committed chunks table (exact scan, or an IVF index if the
 * table has one). A stale graph (not covering the committed chunks) is not used: auto falls back to LanceDB with one
 * warning, hnsw is E_INDEX_MISSING. The graph is read once; make a new retriever after adds.
 */
export async function indexDenseRetriever(index: SiftIndex, spec: z.output<typeof DenseLegSchema>, deps: Deps): Promise<Retriever> {
  const embedder = await queryEmbedder(index, deps);
  const manifest = index.manifest;
  if (spec.backend === 'auto' || spec.backend === 'hnsw') {
    const record = manifest.sideIndexes[HNSW_SIDE_INDEX];
    if (record && isSideIndexFresh(manifest, record) && Object.keys(record.files).length > 0) {
      await verifiedSideIndexFiles(index.dir, HNSW_SIDE_INDEX, record);
      const graph = await HnswIndex.load(index.dir, { ef: spec.ef, stem: hnswStem(record.generation) });
      return new HnswRetriever(graph, embedder, (ids) => index.getChunks(ids));
    }
    const usable = record && isSideIndexFresh(manifest, record); // fresh with no files: no vectors yet
    if (spec.backend === 'hnsw' && !usable) {
      throw new SiftError('E_INDEX_MISSING', `Index ${index.dir} has no HNSW graph for its committed chunks; an add with an embedder builds it`, {
        details: { dir: index.dir },
      });
    }
    if (record && !usable) index.warn(`the HNSW graph of ${index.dir} does not cover the committed chunks (stale); searching LanceDB exactly instead — the next add rebuilds it`);
  }
  const flat = spec.backend === 'flat';
  return LanceDenseRetriever.open(
    () => index.lanceTable('chunks'),
    { ...(spec.lance ?? {}), ...(flat ? { index: 'flat' as const } : {}), ...(spec.space === 'ip' ? { distance: 'dot' as const } : {}) },
    { embedder, build: false, path: join(index.dir, 'lance', 'chunks.lance') },
  );
}

/** Hybrid over an on-disk index: `bm25` (the index's own, built by the caller) or LanceDB FTS, fused with dense. */
export async function indexHybridRetriever(
  index: SiftIndex,
  spec: z.output<typeof HybridSpecSchema>,
  deps: Deps,
  bm25: () => Promise<Retriever>,
): Promise<Retriever> {
  const dense = await indexDenseRetriever(index, spec.dense ?? DenseLegSchema.parse({}), deps);
  const lexical =
    spec.lexical === 'bm25'
      ? await bm25()
      : await LanceFtsRetriever.open(() => index.lanceTable('chunks'), {}, { build: false, path: join(index.dir, 'lance', 'chunks.lance') });
  return HybridRetriever.create(
    { lexical, dense },
    { rrfK: spec.rrfK, lexicalWeight: spec.lexicalWeight, denseWeight: spec.denseWeight, depth: spec.depth },
  );
}
