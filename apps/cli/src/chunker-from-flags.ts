import type { Chunker, Embedder } from '@sift/core';
import { ChunkerConfigSchema, createChunker, EMBEDDING_SEGMENTERS, type ChunkerConfig, type ParsedChunkerConfig } from '@sift/chunkers';
import { chunkerNames, PIPELINE_DEFAULTS } from '@sift/pipeline';
import type { SiftConfig } from './config/sift-config.js';

/** The chunker flags shared by `sift chunk` and `sift index`. */
export interface ChunkerFlags {
  chunker?: string;
  size?: number;
  overlap?: number;
  tokenizer?: 'cl100k' | 'o200k' | 'whitespace' | 'char';
  /** LM of the ppl and margin chunkers (kn, sift-lm-mini, sift-lm-margin or a decoder folder). */
  lm?: string;
}

/** Every chunker `createChunker` knows (read from its config schema, so new chunkers appear here unchanged). */
export const CHUNKER_NAMES: readonly string[] = chunkerNames();
export const TOKENIZER_NAMES = ['cl100k', 'o200k', 'char', 'whitespace'] as const;

/** The chunker settings given on the command line or in the config file (flags win); unset keys are left out. */
export function givenChunkerSettings(flags: ChunkerFlags, cfg: SiftConfig): Partial<ChunkerConfig> {
  const out: Record<string, unknown> = typeof cfg.chunker === 'object' ? { ...cfg.chunker } : cfg.chunker !== undefined ? { chunker: cfg.chunker } : {};
  for (const key of ['size', 'overlap', 'tokenizer'] as const) if (cfg[key] !== undefined) out[key] = cfg[key];
  for (const key of ['chunker', 'size', 'overlap', 'tokenizer'] as const) if (flags[key] !== undefined) out[key] = flags[key];
  if (flags.lm !== undefined) out['lm'] = flags.lm;
  return out as Partial<ChunkerConfig>;
}

/** Build the chunker from the given settings, the chunkers' own defaults for the rest. */
export async function buildChunker(given: Partial<ChunkerConfig>, embedder?: Embedder): Promise<{ chunker: Chunker; config: ParsedChunkerConfig }> {
  const merged = { chunker: PIPELINE_DEFAULTS.chunker, ...given } as ChunkerConfig;
  // createChunker validates first and words a bad setting by its key (E_BAD_CONFIG).
  const chunker = await createChunker(merged, embedder ? { embedder } : {});
  return { chunker, config: ChunkerConfigSchema.parse(merged) };
}

/** Whether the chunker these settings pick embeds sentences (and so needs an embedder). */
export function chunkerNeedsEmbedder(given: Partial<ChunkerConfig>): boolean {
  return EMBEDDING_SEGMENTERS.has(given.chunker ?? PIPELINE_DEFAULTS.chunker);
}
