import { SiftError } from '@sift/core';
import type { z } from 'zod';
import { lanceVersion } from '../lance/_lance.js';
import { embedderInfoOf } from './index-checks.js';
import { BM25_FILE, INDEX_FORMAT, INDEX_FORMAT_VERSION, LANCE_DIR, type Manifest } from './manifest.js';
import { sideIndexKind } from './side-index-registry.js';
import type { CreateIndexOptionsSchema } from './sift-index-options.js';

/**
 * The first commit of a new index: its rules (chunker, tokenizer, embedder, default retriever, BM25 options) and the
 * side indexes asked for, recorded as covering 0 chunks with no files so that every add keeps them (with an embedder
 * `hnsw` is on unless `hnsw: false`).
 */
export function initialManifest(opts: z.output<typeof CreateIndexOptionsSchema>, tables: { documents: number; chunks: number }): Manifest {
  const now = new Date().toISOString();
  const embedder = opts.embedder ? embedderInfoOf(opts.embedder) : null;
  const manifest: Manifest = {
    format: INDEX_FORMAT,
    formatVersion: INDEX_FORMAT_VERSION,
    generation: 1,
    contentGeneration: 1,
    createdAt: now,
    updatedAt: now,
    chunker: opts.chunker ?? null,
    tokenizer: opts.tokenizer ?? null,
    bm25: { file: BM25_FILE, generation: 1, options: opts.bm25 },
    embedder,
    defaultRetriever: opts.defaultRetriever ?? null,
    counts: { documents: 0, chunks: 0 },
    lance: { library: lanceVersion(), dir: LANCE_DIR, tables },
    sideIndexes: {},
  };
  const sides = { ...(embedder && !('hnsw' in opts.sideIndexes) ? { hnsw: {} } : {}), ...opts.sideIndexes };
  for (const [name, o] of Object.entries(sides)) {
    if (o === false) continue;
    const kind = sideIndexKind(name);
    if (kind.needsVectors && !embedder) {
      throw new SiftError('E_BAD_CONFIG', `The ${name} side index needs vectors: create the index with an embedder`, { details: { key: name } });
    }
    manifest.sideIndexes[name] = { generation: 1, chunks: 0, options: kind.parseOptions(o), files: {} };
  }
  return manifest;
}
