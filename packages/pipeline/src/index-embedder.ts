import { createEmbedder, SiftError, type Embedder } from '@sift/core';

/** What an index records about its embedder (`manifest.embedder`). */
export interface RecordedEmbedder {
  id: string;
  dim: number;
}

/** The embedder spec and options that reproduce an embedder id recorded in an index manifest, when the id says. */
export function embedderSpecFromId(
  id: string,
): { spec: string; options: { quantized?: boolean; pooling?: 'mean' | 'cls' | 'last'; normalize?: boolean; maxTokens?: number } } | undefined {
  if (id === 'use-lite') return { spec: 'use-lite', options: {} };
  // OnnxEmbedder ids read `onnx:<model>[:q8]:<pooling>[:norm]:<maxTokens>`.
  const m = /^onnx:(.+?)(:q8)?:(mean|cls|last)(:norm)?:(\d+)$/.exec(id);
  if (!m || m[1] === undefined) return undefined;
  return { spec: m[1], options: { quantized: m[2] !== undefined, pooling: m[3] as 'mean' | 'cls' | 'last', normalize: m[4] !== undefined, maxTokens: Number(m[5]) } };
}

/**
 * The embedder a query or add must use for an index with vectors: `spec` when given, else the one the manifest
 * records. It must produce the recorded id and dimension, or the vectors would not be comparable.
 */
export async function embedderForIndex(dir: string, built: RecordedEmbedder | null | undefined, spec?: string): Promise<Embedder> {
  if (!built) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `index ${dir} has no vectors (it was built without an embedder); query it with --retriever bm25, or rebuild it with "sift index <dir> --embedder use-lite --rebuild"`,
      { details: { key: 'retriever' } },
    );
  }
  const fromId = embedderSpecFromId(built.id);
  if (spec === undefined && !fromId) {
    throw new SiftError('E_BAD_CONFIG', `index ${dir} was built with embedder "${built.id}"; pass the same one with --embedder`, { details: { key: 'embedder' } });
  }
  const embedder = spec !== undefined ? await createEmbedder(spec) : await createEmbedder(fromId!.spec, fromId!.options);
  checkSameEmbedder(dir, built, embedder);
  return embedder;
}

/** An index's vectors and a query's must come from the same embedder. */
export function checkSameEmbedder(dir: string, built: RecordedEmbedder, embedder: Embedder): void {
  if (embedder.id !== built.id || embedder.dim !== built.dim) {
    void embedder.close?.();
    throw new SiftError(
      'E_BAD_CONFIG',
      `index ${dir} was built with embedder "${built.id}" (dim ${built.dim}), not "${embedder.id}" (dim ${embedder.dim})`,
      { details: { key: 'embedder' } },
    );
  }
}
