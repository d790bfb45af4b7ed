import os from 'node:os';
import path from 'node:path';
import { SIFT_LM_MINI, TokenizerNameSchema } from '@sift/core';
import { z } from 'zod';

// The meta chunkers' configuration only, apart from their code: every chunker config schema is built whenever a
// config is read (any sift command), and the chunkers' modules bring the LM runtimes with them.

/** The prebuilt Kneser–Ney model shipped in models/ (see kn-model.ts). */
export const SIFT_KN_3GRAM = 'sift-kn-3gram';

/** The margin-sampling fine-tune of sift-lm-mini, shipped beside it (models/sift-lm-margin). */
export const SIFT_LM_MARGIN = 'sift-lm-margin';
/**
 * The Kneser–Ney n-gram LM: the prebuilt models/sift-kn-3gram when the kn options are the defaults, else trained at
 * load time on the allowed text (see `trainKneserNey`).
 */
export const KN_LM = 'kn';

export const MetaLmSchema = z
  .string()
  .min(1)
  .describe(`'${KN_LM}' (Kneser–Ney: models/${SIFT_KN_3GRAM}, or trained at load), '${SIFT_LM_MINI}', '${SIFT_LM_MARGIN}', or an ONNX decoder folder`);

export const KneserNeyCorpusOptionsSchema = z
  .object({
    order: z.number().int().min(2).max(6).default(3),
    /**
     * Load models/sift-kn-3gram (trained by its build.ts on the default corpus; milliseconds) when every other
     * option is the default; false, or any other option, trains now.
     */
    prebuilt: z.boolean().default(true),
    /** Text files or folders of .txt files to train on; default: the SOTU (before 2012) and Moby-Dick texts in node_modules. */
    corpus: z.array(z.string().min(1)).optional(),
    /** Tokenize with sift-lm-mini's BPE (sub-words: unseen names still get real n-gram statistics) or words. */
    tokenizer: z.enum(['sift-lm-mini', 'words']).default('sift-lm-mini'),
    /** Where the BPE token ids of the corpus are cached (tokenizing is most of the build time). */
    cacheDir: z.string().min(1).default(path.join(os.homedir(), '.cache', 'sift', 'kn')),
  })
  .strict();
export type KneserNeyCorpusOptions = z.input<typeof KneserNeyCorpusOptionsSchema>;


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

export type MetaShape = z.output<z.ZodObject<typeof metaShape>>;

/** Default LM of the ppl chunker (chosen by measurement: see packages/chunkers/src/meta/README.md). */
export const DEFAULT_PPL_LM = 'kn';

export const PplChunkerConfigSchema = z
  .object({
    chunker: z.literal('ppl'),
    lm: MetaLmSchema.default(DEFAULT_PPL_LM),
    ...metaShape,
    /**
     * Merge consecutive meta-chunks while they fit in `size` (Meta-Chunking's dynamic merge). Off by default for
     * ppl: measured better without it on HotpotQA-100 and SQuAD (packages/chunkers/src/meta/README.md).
     */
    merge: z.boolean().default(false),
    /** A local minimum is a boundary when its drop on either side is at least this (mean NLL, nats/token). */
    threshold: z.number().min(0).default(0),
    /** After 100 recorded minima, use the smallest recorded drop as the threshold (state kept across documents). */
    dynamicThreshold: z.boolean().default(false),
    /** Score bare sentences as the reference does, instead of each sentence with the whitespace before it. */
    bareSentences: z.boolean().default(false),
    /** Tokens per LM call; long documents stream block by block. */
    blockTokens: z.number().int().min(16).default(8192),
    /** Sliding window and stride of the LM pass (the model's defaults when omitted). */
    window: z.number().int().min(2).optional(),
    stride: z.number().int().min(1).optional(),
  })
  .strict();
export type PplChunkerConfig = z.output<typeof PplChunkerConfigSchema>;
export type PplChunkerOptions = Omit<z.input<typeof PplChunkerConfigSchema>, 'chunker' | 'lm'>;

export const MarginChunkerConfigSchema = z
  .object({
    chunker: z.literal('margin'),
    lm: MetaLmSchema.default(SIFT_LM_MARGIN),
    ...metaShape,
    /** Prompt language: the reference's English or Chinese prompt (Chinese joins A and B without a space). */
    language: z.enum(['en', 'zh']).default('en'),
    /** A (the current chunk) keeps its last this many model tokens in the prompt. */
    chunkTailTokens: z.number().int().min(1).default(32),
    /** B (the next sentence) keeps its first this many model tokens. */
    sentenceHeadTokens: z.number().int().min(1).default(24),
  })
  .strict();
export type MarginChunkerConfig = z.output<typeof MarginChunkerConfigSchema>;
export type MarginChunkerOptions = Omit<z.input<typeof MarginChunkerConfigSchema>, 'chunker' | 'lm'>;

