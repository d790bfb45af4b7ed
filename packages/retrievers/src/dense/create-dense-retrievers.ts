import { SiftError, type Chunk, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import type { z } from 'zod';
import { Bm25Retriever } from '../bm25/bm25-retriever.js';
import { DenseRetriever } from './dense-retriever.js';
import { DenseLegSchema, type DenseSpecSchema, type HybridSpecSchema } from './dense-spec.js';
import { HybridRetriever } from './hybrid-retriever.js';
import { openLanceDb } from '../lance/_lance.js';
import { createChunkTable } from '../lance/tables.js';
import { LanceDenseRetriever } from './lance-dense-retriever.js';
import { LanceFtsRetriever } from './lance-fts-retriever.js';

type Deps = RunOptions & { embedder?: Embedder };
type DenseLegResolved = z.output<typeof DenseLegSchema>;

let memoryTables = 0;

/** In-memory dense retriever from a parsed `dense` spec (or a hybrid's dense leg). */
export async function createDenseRetriever(
  spec: DenseLegResolved | z.output<typeof DenseSpecSchema>,
  chunks: readonly Chunk[],
  deps: Deps,
): Promise<Retriever> {
  const embedder = deps.embedder;
  if (!embedder) throw new SiftError('E_BAD_CONFIG', 'dense retrieval needs an embedder (deps.embedder)', { details: { key: 'embedder' } });
  const { backend, lance, ...rest } = spec;
  const { retriever: _r, ...hnsw } = rest as typeof rest & { retriever?: string };
  if (backend !== 'lance') return DenseRetriever.create(chunks, { ...hnsw, backend }, deps);
  const vectors = await embedder.embed(
    chunks.map((c) => c.text),
    { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.onProgress ? { onProgress: deps.onProgress } : {}) },
  );
  const table = await memoryTable(chunks, vectors);
  return LanceDenseRetriever.open(table, { ...(lance ?? {}), ...(hnsw.space === 'ip' ? { distance: 'dot' as const } : {}) }, { embedder });
}

/** In-memory hybrid retriever (BM25 or LanceDB FTS, fused with dense by weighted RRF) from a parsed `hybrid` spec. */
export async function createHybridRetriever(spec: z.output<typeof HybridSpecSchema>, chunks: readonly Chunk[], deps: Deps): Promise<Retriever> {
  const denseLeg = DenseLegSchema.parse(spec.dense ?? {});
  const dense = await createDenseRetriever(denseLeg, chunks, deps);
  const lexical =
    spec.lexical === 'bm25'
      ? await Bm25Retriever.create(chunks, spec.bm25 ?? {}, deps)
      : await LanceFtsRetriever.open(await memoryTable(chunks));
  return HybridRetriever.create(
    { lexical, dense },
    { rrfK: spec.rrfK, lexicalWeight: spec.lexicalWeight, denseWeight: spec.denseWeight, depth: spec.depth },
  );
}

/** A LanceDB table in process memory (`memory://`): nothing touches the disk, and it goes away with the process. */
async function memoryTable(chunks: readonly Chunk[], vectors?: readonly Float32Array[]) {
  const db = await openLanceDb('memory://');
  return createChunkTable(db, `chunks_${++memoryTables}`, chunks, vectors);
}
