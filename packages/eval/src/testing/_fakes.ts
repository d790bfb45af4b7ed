import type { Chunk, Chunker, Document } from '@sift/core';
import type { TokenCounter } from '../datasets/niah.js';

/** Whitespace words as tokens: deterministic and fast, for tests that only need consistent counts. */
export const wordCounter: TokenCounter = { count: (t) => t.split(/\s+/).filter(Boolean).length };

/** Packs whole sentences (ending in . ! ?) into chunks of at least `words` words, with exact offsets. */
export function wordWindowChunker(words: number): Chunker {
  return {
    name: `words-${words}`,
    async *chunk(doc: Document): AsyncIterable<Chunk> {
      const re = /\S+/g;
      let start = -1;
      let end = 0;
      let n = 0;
      let i = 0;
      for (let m = re.exec(doc.text); m; m = re.exec(doc.text)) {
        if (start < 0) start = m.index;
        end = m.index + m[0].length;
        if (++n >= words && /[.!?]$/.test(m[0])) {
          yield { id: `${doc.id}:${i++}`, docId: doc.id, text: doc.text.slice(start, end), start, end, tokenCount: n, metadata: {} };
          start = -1;
          n = 0;
        }
      }
      if (start >= 0) yield { id: `${doc.id}:${i}`, docId: doc.id, text: doc.text.slice(start, end), start, end, tokenCount: n, metadata: {} };
    },
  };
}
