import { SiftError, type Embedder } from '@sift/core';

/** What an index records about its embedder (`manifest.embedder`). */
export interface RecordedEmbedder {
  id: string;
  dim: number;
}

/** The one-line hint for a dense query over an index built without vectors. */
export function noVectorsError(dir: string): SiftError {
  return new SiftError(
    'E_BAD_CONFIG',
    `index ${dir} has no vectors (it was built without an embedder); query it with --retriever bm25, or rebuild it with "sift index <dir> --embedder use-lite --rebuild"`,
    { details: { key: 'retriever' } },
  );
}

/** An index's vectors and a query's must come from the same embedder (same id and dimension). */
export function checkSameEmbedder(dir: string, built: RecordedEmbedder, embedder: Embedder): void {
  if (embedder.id !== built.id || embedder.dim !== built.dim) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `index ${dir} was built with embedder "${built.id}" (dim ${built.dim}), not "${embedder.id}" (dim ${embedder.dim})`,
      { details: { key: 'embedder' } },
    );
  }
}
