import { collect, type Chunk, type Chunker, type RunOptions } from '@sift/core';
import { ChunkerConfigSchema, type ChunkerConfig } from './chunker-config.js';
import { parseConfig } from './_parse-config.js';
import { RecursiveChunker } from './recursive-chunker.js';
import { SentenceChunker } from './sentence-chunker.js';
import { TokenChunker } from './token-chunker.js';

/** Build a chunker from a validated config (`{ chunker: 'recursive', size: 512, … }`). */
export async function createChunker(config: ChunkerConfig): Promise<Chunker> {
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
  }
}

/** Chunk one string (document id `docId`, default "text") and collect the chunks. */
export async function chunkText(text: string, config: ChunkerConfig, opts: RunOptions & { docId?: string } = {}): Promise<Chunk[]> {
  const { docId = 'text', ...run } = opts;
  const chunker = await createChunker(config);
  return collect(chunker.chunk({ id: docId, text, metadata: {} }, run));
}
