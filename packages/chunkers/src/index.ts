export { TokenChunker, TokenChunkerConfigSchema, type TokenChunkerConfig, type TokenChunkerOptions } from './token-chunker.js';
export { SentenceChunker, SentenceChunkerConfigSchema, type SentenceChunkerConfig, type SentenceChunkerOptions } from './sentence-chunker.js';
export {
  RecursiveChunker,
  RecursiveChunkerConfigSchema,
  DEFAULT_SEPARATORS,
  type RecursiveChunkerConfig,
  type RecursiveChunkerOptions,
} from './recursive-chunker.js';
export { ChunkerConfigSchema, type ChunkerConfig, type ParsedChunkerConfig } from './chunker-config.js';
export { createChunker, chunkText } from './create-chunker.js';
export * from './segment/index.js';
export * from './meta/index.js';
