import { collect, type Chunk, type Chunker, type RunOptions } from '@sift/core';
import { ChunkerConfigSchema, type ChunkerConfig } from './chunker-config.js';
import { parseConfig } from './_parse-config.js';
import { RecursiveChunker } from './recursive-chunker.js';
import { SentenceChunker } from './sentence-chunker.js';
import { TokenChunker } from './token-chunker.js';
import type { SegmenterDeps } from './segment/index.js';
import type { MetaChunkerDeps } from './meta/create-meta-chunker.js';

/**
 * Build a chunker from a validated config (`{ chunker: 'recursive', size: 512, … }`). The embedding segment chunkers
 * ('semantic', 'embedding-depth', 'pair-classifier') take their embedder from `deps`; the meta chunkers ('ppl',
 * 'margin') take `deps.lm`, else load the LM their config names.
 */
export async function createChunker(config: ChunkerConfig, deps: SegmenterDeps & MetaChunkerDeps = {}): Promise<Chunker> {
  const c = parseConfig(ChunkerConfigSchema, config, 'chunker config');
  switch (c.chunker) {
    case 'token': {
      const { chunker: _, ...options } = c;
      return TokenChunker.create(options);
    }
    case 'sentence': {
      const { chunker: _, ...options } = c;
      return SentenceChunker.create(options);
    }
    case 'recursive': {
      const { chunker: _, ...options } = c;
      return RecursiveChunker.create(options);
    }
    // Loaded on first use: they bring the LM and embedding runtimes, which the common chunkers never need.
    case 'ppl':
    case 'margin': {
      const { createMetaChunker } = await import('./meta/create-meta-chunker.js');
      return createMetaChunker(c, deps);
    }
    default: {
      const { createSegmentChunker } = await import('./segment/index.js');
      const { chunker, ...options } = c;
      return createSegmentChunker(chunker, options, deps);
    }
  }
}

/** Chunk one string (document id `docId`, default "text") and collect the chunks. */
export async function chunkText(text: string, config: ChunkerConfig, opts: RunOptions & { docId?: string } = {}): Promise<Chunk[]> {
  const { docId = 'text', ...run } = opts;
  const chunker = await createChunker(config);
  return collect(chunker.chunk({ id: docId, text, metadata: {} }, run));
}
