import type { CausalLM } from '@sift/core';
import type { SourceSentence } from './sentence-stream.js';

/** A sentence with its token ids as placed in the prompt (one leading space separates sentences). */
export interface TokenizedSentence extends SourceSentence {
  ids: number[];
}

/**
 * Tokenizes a sentence; one longer than `maxTokens` is cut at whitespace (the reference re-splits oversized sentences
 * by spaces) into pieces that fit, each keeping exact offsets. A single word longer than that is cut by characters.
 */
export function splitOversized(lm: Pick<CausalLM, 'tokenize'>, s: SourceSentence, maxTokens: number): TokenizedSentence[] {
  const ids = lm.tokenize(` ${s.text}`);
  if (ids.length <= maxTokens) return [{ ...s, ids }];
  const out: TokenizedSentence[] = [];
  // Cut where the piece's share of characters matches maxTokens, back off to whitespace, re-check the token count.
  let a = 0;
  const text = s.text;
  while (a < text.length) {
    let b = text.length;
    let pieceIds = lm.tokenize(` ${text.slice(a, b)}`);
    while (pieceIds.length > maxTokens) {
      const target = a + Math.max(1, Math.floor(((b - a) * maxTokens * 0.9) / pieceIds.length));
      const ws = text.lastIndexOf(' ', target);
      b = ws > a ? ws : target;
      pieceIds = lm.tokenize(` ${text.slice(a, b)}`);
    }
    const piece = text.slice(a, b);
    const lead = piece.length - piece.trimStart().length;
    const trimmed = piece.trim();
    if (trimmed) out.push({ docId: s.docId, start: s.start + a + lead, end: s.start + a + lead + trimmed.length, text: trimmed, ids: lm.tokenize(` ${trimmed}`) });
    a = b;
    while (a < text.length && text[a] === ' ') a++;
  }
  return out;
}
