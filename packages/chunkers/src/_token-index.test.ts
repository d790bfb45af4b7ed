import fc from 'fast-check';
import type { Tokenizer } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { TokenIndex } from './_token-index.js';

// Only the boundaries matter to rank(); the tokenizer is never called when they are given.
const fakeTokenizer = { name: 'cl100k', additive: false } as unknown as Tokenizer;

describe('TokenIndex.rank', () => {
  it('equals a plain count of token starts before pos, whatever order positions are asked in', () => {
    const starts = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 80 }); // gaps; 0 = tokens sharing a character
    fc.assert(
      fc.property(starts, fc.array(fc.integer({ min: -3, max: 250 }), { maxLength: 60 }), (gaps, queries) => {
        const offsets: number[] = [];
        let p = 0;
        for (const g of gaps) {
          offsets.push(p);
          p += g;
        }
        const text = 'x'.repeat(p + 1);
        offsets.push(text.length);
        const index = new TokenIndex(text, fakeTokenizer, { offsets: Int32Array.from(offsets) });
        for (const q of queries) expect(index.rank(q)).toBe(offsets.slice(0, -1).filter((o) => o < q).length);
      }),
      { seed: 4242, numRuns: 500 },
    );
  });
});
