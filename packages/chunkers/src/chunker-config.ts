import { z } from 'zod';
// Schemas only: the meta chunkers' modules (LM runtimes) load when one is created.
import { MarginChunkerConfigSchema, PplChunkerConfigSchema } from './meta/meta-options.js';
import { RecursiveChunkerConfigSchema } from './recursive-chunker.js';
import { SegmentChunkerConfigSchema } from './segment/segment-chunker-config.js';
import { SentenceChunkerConfigSchema } from './sentence-chunker.js';
import { TokenChunkerConfigSchema } from './token-chunker.js';

/** Any chunker's configuration, chosen by `chunker`. */
export const ChunkerConfigSchema = z.discriminatedUnion('chunker', [
  TokenChunkerConfigSchema,
  SentenceChunkerConfigSchema,
  RecursiveChunkerConfigSchema,
  SegmentChunkerConfigSchema,
  PplChunkerConfigSchema,
  MarginChunkerConfigSchema,
]);
export type ChunkerConfig = z.input<typeof ChunkerConfigSchema>;
export type ParsedChunkerConfig = z.output<typeof ChunkerConfigSchema>;
