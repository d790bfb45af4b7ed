import { SEGMENT_CHUNKERS } from '@sift/chunkers';
import { TokenizerNameSchema } from '@sift/core';
import { z } from 'zod';

/** Retrievers the CLI can run over an index; `graph:<first>` walks the entity graph from a first stage. */
export const RETRIEVER_CHOICES = ['bm25', 'dense', 'hybrid', 'graph:bm25', 'graph:dense', 'graph:hybrid'] as const;
export type RetrieverChoice = (typeof RETRIEVER_CHOICES)[number];

/**
 * `sift.config.json`: defaults for the CLI's flags, one key per long flag name. A flag given on the command line
 * wins over the file. Unknown keys are errors, so that a typo never silently falls back to a default.
 */
export const SiftConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** Index folder (`--index`). */
    index: z.string().min(1).optional(),
    chunker: z.enum(['token', 'sentence', 'recursive', ...SEGMENT_CHUNKERS]).optional(),
    size: z.number().int().positive().optional(),
    overlap: z.number().int().nonnegative().optional(),
    tokenizer: TokenizerNameSchema.optional(),
    /** `use-lite` or a local model folder: vectors in the index, and the embedding-based chunkers. */
    embedder: z.string().min(1).optional(),
    retriever: z.enum(RETRIEVER_CHOICES).optional(),
    k: z.number().int().positive().optional(),
    /** Extensions read inside folders: `["txt", "md"]` or `"txt,md"`. */
    ext: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    strict: z.boolean().optional(),
  })
  .strict();

export type SiftConfig = z.infer<typeof SiftConfigSchema>;

export const CONFIG_FILE_NAME = 'sift.config.json';
