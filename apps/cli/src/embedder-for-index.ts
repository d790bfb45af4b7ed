import { createEmbedder, SiftError, type Embedder } from '@sift/core';

/** The embedder spec and options that reproduce an embedder id recorded in an index manifest. */
export function embedderSpecFromId(id: string): { spec: string; options: { quantized?: boolean; pooling?: 'mean' | 'cls' | 'last'; normalize?: boolean; maxTokens?: number } } | undefined {
  if (id === 'use-lite') return { spec: 'use-lite', options: {} };
  // OnnxEmbedder ids read `onnx:<model>[:q8]:<pooling>[:norm]:<maxTokens>`.
  const m = /^onnx:(.+?)(:q8)?:(mean|cls|last)(:norm)?:(\d+)$/.exec(id);
  if (!m || m[1] === undefined) return undefined;
  return { spec: m[1], options: { quantized: m[2] !== undefined, pooling: m[3] as 'mean' | 'cls' | 'last', normalize: m[4] !== undefined, maxTokens: Number(m[5]) } };
}

/**
 * The embedder a query must use for an index with vectors: `spec` when given, else the one recorded in the
 * manifest. It must produce the recorded id and dimension, or the vectors would not be comparable.
 */
export async function embedderForIndex(stats: { dir: string; embedder?: { id: string; dim: number } }, spec?: string): Promise<Embedder> {
  const built = stats.embedder;
  if (!built) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `index ${stats.dir} has no vectors (it was built without an embedder); query it with --retriever bm25, or rebuild it with "sift index <dir> --embedder use-lite --rebuild"`,
      { details: { key: 'retriever' } },
    );
  }
  const fromId = embedderSpecFromId(built.id);
  if (spec === undefined && !fromId) {
    throw new SiftError('E_BAD_CONFIG', `index ${stats.dir} was built with embedder "${built.id}"; pass the same one with --embedder`, { details: { key: 'embedder' } });
  }
  const embedder = spec !== undefined ? await createEmbedder(spec) : await createEmbedder(fromId!.spec, fromId!.options);
  if (embedder.id !== built.id || embedder.dim !== built.dim) {
    await embedder.close?.();
    throw new SiftError(
      'E_BAD_CONFIG',
      `index ${stats.dir} was built with embedder "${built.id}" (dim ${built.dim}), not "${embedder.id}" (dim ${embedder.dim})`,
      { details: { key: 'embedder' } },
    );
  }
  return embedder;
}
