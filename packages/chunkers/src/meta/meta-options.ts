import { TokenizerNameSchema } from '@sift/core';
import { z } from 'zod';
import { KneserNeyCorpusOptionsSchema, MetaLmSchema } from './load-lm.js';

/** Options both meta chunkers share: the LM, the size budget and the dynamic merge. */
export const metaShape = {
  /** Largest chunk, in tokens of `tokenizer` (the index's tokenizer). */
  size: z.number().int().min(1).default(512),
  tokenizer: TokenizerNameSchema.default('cl100k'),
  /** BCP 47 locale for sentence splitting. */
  locale: z.string().min(1).default('en'),
  /** Merge consecutive meta-chunks while they fit in `size` (Meta-Chunking's dynamic merge); false keeps each one. */
  merge: z.boolean().default(true),
  /**
   * Also cut at every paragraph break (a blank line between two sentences), whatever the LM says. Not in the
   * reference (which sees sentences only); off by default.
   */
  paragraphBreaks: z.boolean().default(false),
  /** Threads for an ONNX LM loaded by name. */
  threads: z.number().int().min(1).max(1024).optional(),
  /** Kneser–Ney options when `lm` is 'kn'. */
  kn: KneserNeyCorpusOptionsSchema.optional(),
};

export { MetaLmSchema };
export type MetaShape = z.output<z.ZodObject<typeof metaShape>>;
