import { TokenizerNameSchema } from '@sift/core';
import { z } from 'zod';

export const SEGMENTER_NAMES = ['texttiling', 'c99', 'embedding-depth', 'semantic', 'pair-classifier'] as const;
export type SegmenterName = (typeof SEGMENTER_NAMES)[number];

/** Segmenters that embed sentences (they need `deps.embedder`). Here, apart from their code, so that reading it is cheap. */
export const EMBEDDING_SEGMENTERS: ReadonlySet<string> = new Set(['embedding-depth', 'semantic', 'pair-classifier']);

/** Chunkers that cut at topic boundaries: each is `SegmentChunker` around the segmenter of the same name. */
export const SEGMENT_CHUNKERS = ['semantic', 'texttiling', 'c99', 'embedding-depth', 'pair-classifier'] as const;

/** `createChunker` config for the segment chunkers; `segmenter` holds that segmenter's own options. */
export const SegmentChunkerConfigSchema = z
  .object({
    chunker: z.enum(SEGMENT_CHUNKERS),
    size: z.number().int().min(1).default(512),
    tokenizer: TokenizerNameSchema.default('cl100k'),
    locale: z.string().min(1).default('en'),
    windowSentences: z.number().int().min(2).default(1000),
    includeEmbeddings: z.boolean().default(false),
    segmenter: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type SegmentChunkerConfig = z.input<typeof SegmentChunkerConfigSchema>;
