import type { RunOptions } from '../../abort.js';
import type { Embedder } from '../../types.js';

/** A character range [start, end) of a text (a chunk's span in its document). */
export interface CharSpan {
  start: number;
  end: number;
}

/**
 * An embedder that can do late chunking: it encodes a whole document once and pools each span's token states, so a
 * chunk's vector sees its document's context. Queries still go through `embed`.
 */
export interface LateChunkingEmbedder extends Embedder {
  /** One vector per span of `text`, in order. */
  embedSpans(text: string, spans: readonly CharSpan[], opts?: RunOptions): Promise<Float32Array[]>;
}

export function supportsLateChunking(embedder: Embedder): embedder is LateChunkingEmbedder {
  return typeof (embedder as Partial<LateChunkingEmbedder>).embedSpans === 'function';
}
