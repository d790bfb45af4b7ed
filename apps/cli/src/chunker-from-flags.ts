import type { Chunker, Embedder } from '@sift/core';
import {
  ChunkerConfigSchema,
  createChunker,
  EMBEDDING_SEGMENTERS,
  SEGMENT_CHUNKERS,
  type ChunkerConfig,
  type ParsedChunkerConfig,
} from '@sift/chunkers';
import type { SiftConfig } from './config/sift-config.js';

/** The chunker flags shared by `sift chunk` and `sift index`. */
export interface ChunkerFlags {
  chunker?: ChunkerName;
  size?: number;
  overlap?: number;
  tokenizer?: 'cl100k' | 'o200k' | 'whitespace' | 'char';
}

/** Every chunker `createChunker` knows; the topic-segment ones ('semantic', 'c99', …) cut at topic shifts. */
export const CHUNKER_NAMES = ['token', 'sentence', 'recursive', ...SEGMENT_CHUNKERS] as const;
export type ChunkerName = (typeof CHUNKER_NAMES)[number];
export const TOKENIZER_NAMES = ['cl100k', 'o200k', 'char', 'whitespace'] as const;
export const DEFAULT_CHUNKER = 'recursive';

/** The chunker settings given on the command line or in the config file (flags win); unset keys are left out. */
export function givenChunkerSettings(flags: ChunkerFlags, cfg: SiftConfig): Partial<ChunkerConfig> {
  const out: Record<string, unknown> = {};
  for (const key of ['chunker', 'size', 'overlap', 'tokenizer'] as const) {
    const v = flags[key] ?? cfg[key];
    if (v !== undefined) out[key] = v;
  }
  return out as Partial<ChunkerConfig>;
}

/**
 * Build the chunker: `base` (an index's recorded config, or nothing) overlaid with the given settings, the
 * chunkers' own defaults for the rest. Returns the full config too, to record in an index manifest.
 */
export async function buildChunker(
  given: Partial<ChunkerConfig>,
  base?: Record<string, unknown>,
  embedder?: Embedder,
): Promise<{ chunker: Chunker; config: ParsedChunkerConfig }> {
  const { name: _, ...recorded } = base ?? {};
  const merged = { chunker: DEFAULT_CHUNKER, ...recorded, ...given } as ChunkerConfig;
  // createChunker validates first and words a bad setting by its key (E_BAD_CONFIG).
  const chunker = await createChunker(merged, embedder ? { embedder } : {});
  return { chunker, config: ChunkerConfigSchema.parse(merged) };
}

/** Whether the chunker these settings pick embeds sentences (and so needs an embedder). */
export function chunkerNeedsEmbedder(given: Partial<ChunkerConfig>, base?: Record<string, unknown>): boolean {
  const name = given.chunker ?? (base?.chunker as string | undefined) ?? DEFAULT_CHUNKER;
  return EMBEDDING_SEGMENTERS.has(name);
}

/** Same settings, ignoring key order. */
export function sameChunkerConfig(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const norm = (o: Record<string, unknown>) => JSON.stringify(Object.entries(o).filter(([k]) => k !== 'name').sort(([x], [y]) => (x < y ? -1 : 1)));
  return norm(a) === norm(b);
}
