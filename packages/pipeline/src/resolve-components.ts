import { ChunkerConfigSchema, createChunker, EMBEDDING_SEGMENTERS, type ChunkerConfig, type ParsedChunkerConfig } from '@sift/chunkers';
import { SiftError, type Chunker, type Embedder } from '@sift/core';
import { parseRetrieverSpec, type ResolvedRetrieverSpec, type RetrieverSpec } from '@sift/retrievers';
import { PIPELINE_DEFAULTS, WHOLE_DOCUMENTS, type ParsedPipelineConfig } from './pipeline-config.js';

/**
 * The retriever spec a config names, else the index's recorded default, else the rule every front door shares:
 * hybrid over an index with vectors, bm25 without.
 */
export function retrieverSpecOf(cfg: Pick<ParsedPipelineConfig, 'retriever'>, hasVectors: boolean, recordedDefault?: string): ResolvedRetrieverSpec {
  return parseRetrieverSpec(cfg.retriever ?? recordedDefault ?? (hasVectors ? 'hybrid' : PIPELINE_DEFAULTS.retriever));
}

/** Whether a retriever reads vectors: dense, hybrid, or a graph walk started by one of them. */
export function retrieverNeedsVectors(spec: ResolvedRetrieverSpec): boolean {
  if (spec.retriever === 'graph') return retrieverNeedsVectors(spec.first as ResolvedRetrieverSpec);
  return spec.retriever === 'dense' || spec.retriever === 'hybrid';
}

/** Whether a retriever walks the passage–entity graph (the index must then keep `graph.bin`). */
export function retrieverNeedsGraph(spec: ResolvedRetrieverSpec): boolean {
  return spec.retriever === 'graph';
}

/** `spec` as `createRetriever` / `SiftIndex.retriever` take it. */
export function asRetrieverSpec(spec: ResolvedRetrieverSpec): RetrieverSpec {
  return spec as RetrieverSpec;
}

/**
 * The chunker settings a config gives: `chunker` (a name or a full config) with the `size`, `overlap` and
 * `tokenizer` shorthands laid over it. Unset keys are left out, so that an index's recorded config fills them.
 */
export function givenChunkerSettings(cfg: Pick<ParsedPipelineConfig, 'chunker' | 'size' | 'overlap' | 'tokenizer'>): Record<string, unknown> {
  const out: Record<string, unknown> = typeof cfg.chunker === 'string' ? { chunker: cfg.chunker } : { ...(cfg.chunker ?? {}) };
  for (const key of ['size', 'overlap', 'tokenizer'] as const) if (cfg[key] !== undefined) out[key] = cfg[key];
  return out;
}

/** Whether the chunker these settings pick embeds sentences (and so needs an embedder). */
export function chunkerNeedsEmbedder(given: Record<string, unknown>, recorded?: Record<string, unknown> | null): boolean {
  const name = (given.chunker as string | undefined) ?? (recorded?.chunker as string | undefined) ?? PIPELINE_DEFAULTS.chunker;
  return EMBEDDING_SEGMENTERS.has(name);
}

/**
 * Build the chunker: `recorded` (an index's manifest config, or nothing) overlaid with the given settings, the
 * chunkers' own defaults for the rest. Returns the full config too, to record in an index manifest.
 */
export async function buildChunker(
  given: Record<string, unknown>,
  recorded?: Record<string, unknown> | null,
  embedder?: Embedder,
): Promise<{ chunker: Chunker; config: ParsedChunkerConfig }> {
  const { name: _, ...base } = recorded ?? {};
  // A recorded `{ name }` without `chunker` came from a custom Chunker object: nothing to rebuild it from.
  // A different chunker name keeps none of the recorded keys, so the index names the mismatch rather than zod naming
  // a key the new chunker does not take.
  const sameName = given.chunker === undefined || given.chunker === base.chunker;
  const fromIndex = 'chunker' in base && sameName ? base : {};
  const merged = { chunker: PIPELINE_DEFAULTS.chunker, ...fromIndex, ...given } as ChunkerConfig;
  // createChunker validates first and words a bad setting by its key (E_BAD_CONFIG).
  const chunker = await createChunker(merged, embedder ? { embedder } : {});
  return { chunker, config: ChunkerConfigSchema.parse(merged) };
}

/** Same settings, ignoring key order and the recorded `name`. */
export function sameChunkerConfig(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const norm = (o: Record<string, unknown>) => JSON.stringify(Object.entries(o).filter(([k]) => k !== 'name').sort(([x], [y]) => (x < y ? -1 : 1)));
  return norm(a) === norm(b);
}

/** An index keeps one chunker config for life: mixed chunk sizes would make its scores meaningless. */
export function checkChunkerConfig(dir: string, recorded: Record<string, unknown> | null | undefined, config: Record<string, unknown>): void {
  if (!recorded || !('chunker' in recorded) || sameChunkerConfig(recorded, config)) return;
  throw new SiftError(
    'E_BAD_CONFIG',
    `index ${dir} was built with ${describeChunker(recorded)}, not ${describeChunker(config)}; add --rebuild (rebuild: true) to re-index with the new settings`,
    { details: { key: 'chunker' } },
  );
}

function describeChunker(c: Record<string, unknown>): string {
  return `chunker ${String(c.chunker ?? c.name)} (size ${String(c.size)}, overlap ${String(c.overlap)}, tokenizer ${String(c.tokenizer)})`;
}

/** Whether the config asks for one chunk per document. */
export function wantsWholeDocuments(cfg: Pick<ParsedPipelineConfig, 'chunker'>): boolean {
  return cfg.chunker === WHOLE_DOCUMENTS;
}

/**
 * The chunker a config asks for as one `ChunkerConfigSchema` object (shorthands merged, defaults not filled), `none`
 * for whole documents, or undefined when the config names no chunker setting at all.
 */
export function chunkerSpecOf(cfg: Pick<ParsedPipelineConfig, 'chunker' | 'size' | 'overlap' | 'tokenizer'>): Record<string, unknown> | typeof WHOLE_DOCUMENTS | undefined {
  if (cfg.chunker === WHOLE_DOCUMENTS) return WHOLE_DOCUMENTS;
  const given = givenChunkerSettings(cfg);
  if (Object.keys(given).length === 0) return undefined;
  return { chunker: PIPELINE_DEFAULTS.chunker, ...given };
}
