import { SiftError, type Embedder, type Segmenter } from '@sift/core';
import { C99Segmenter, type C99Options } from './c99.js';
import { EmbeddingDepthSegmenter, type EmbeddingDepthOptions } from './embedding-depth.js';
import { PairClassifierSegmenter, type PairClassifierOptions } from './pair-classifier.js';
import { SemanticSegmenter, type SemanticSegmenterOptions } from './semantic-segmenter.js';
import { TextTilingSegmenter, type TextTilingOptions } from './texttiling.js';
import { requireEmbedder } from './vector-segmenter.js';

import { EMBEDDING_SEGMENTERS, SEGMENTER_NAMES, type SegmenterName } from './segment-chunker-config.js';

export { EMBEDDING_SEGMENTERS, SEGMENTER_NAMES, type SegmenterName };

export interface SegmenterDeps {
  embedder?: Embedder;
}

/**
 * Builds a segmenter by name. Options are validated by each segmenter's schema (unknown keys are errors);
 * embedding segmenters take the embedder from `deps` and never close it (the caller owns it).
 */
export async function createSegmenter(name: string, options: Record<string, unknown> = {}, deps: SegmenterDeps = {}): Promise<Segmenter> {
  switch (name) {
    case 'texttiling':
      return new TextTilingSegmenter(options as TextTilingOptions);
    case 'c99':
      return new C99Segmenter(options as C99Options);
    case 'embedding-depth':
      return new EmbeddingDepthSegmenter(options as EmbeddingDepthOptions, requireEmbedder(deps.embedder, name));
    case 'semantic':
      return new SemanticSegmenter(options as SemanticSegmenterOptions, requireEmbedder(deps.embedder, name));
    case 'pair-classifier':
      return PairClassifierSegmenter.create(options as PairClassifierOptions, requireEmbedder(deps.embedder, name));
    default:
      throw new SiftError('E_UNKNOWN_COMPONENT', `Unknown segmenter '${name}': expected one of ${SEGMENTER_NAMES.join(', ')}`, {
        details: { segmenter: name, known: [...SEGMENTER_NAMES] },
      });
  }
}
