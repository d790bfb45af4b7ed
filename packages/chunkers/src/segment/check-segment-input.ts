import { SiftError } from '@sift/core';

/**
 * Shared argument check for every segmenter: sentences must be strings, and a known segment count k must be an
 * integer in 1..sentences.length.
 */
export function checkSegmentInput(sentences: unknown, k: number | undefined, who: string): void {
  if (!Array.isArray(sentences) || sentences.some((s) => typeof s !== 'string')) {
    throw new SiftError('E_BAD_INPUT', `${who}: sentences must be an array of strings`);
  }
  if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > Math.max(sentences.length, 1))) {
    throw new SiftError('E_BAD_INPUT', `${who}: k=${k} must be an integer between 1 and the number of sentences (${sentences.length})`, {
      details: { k, sentences: sentences.length },
    });
  }
}
