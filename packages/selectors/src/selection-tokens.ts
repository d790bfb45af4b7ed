import type { ScoredChunk } from '@sift/core';

/** Sum of `tokenCount` over chunks: the cost of a selection as the chunker measured it. */
export function selectionTokens(chunks: readonly ScoredChunk[]): number {
  let total = 0;
  for (const c of chunks) total += c.tokenCount;
  return total;
}
