// Test support: scored chunks with given ids, scores, texts and token counts.
import type { ScoredChunk } from '@sift/core';

export function scored(id: string, score: number, text = id, tokenCount = 10): ScoredChunk {
  return { id, docId: id, text, start: 0, end: text.length, tokenCount, metadata: {}, score };
}
