import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PieceCache } from './_piece-cache.js';

describe('PieceCache', () => {
  it('finds a piece by its characters inside any text, single ids and id lists alike', () => {
    const c = new PieceCache(4);
    expect(c.get('xx hello yy', 2, 8)).toBeUndefined();
    c.set('xx hello yy', 2, 8, 7);
    expect(c.get('xx hello yy', 2, 8)).toBe(7);
    expect(c.get(' hello', 0, 6)).toBe(7);
    expect(c.get(' hellO', 0, 6)).toBeUndefined();
    expect(c.get('hello', 0, 5)).toBeUndefined();
    c.get('zzzz', 0, 4);
    c.set('zzzz', 0, 4, [1, 2, 3]);
    expect(c.get('a zzzz b', 2, 6)).toEqual([1, 2, 3]);
  });

  it('stops taking pieces when half full and never caches pieces over the length limit', () => {
    const c = new PieceCache(3, 5); // 8 slots, at most 4 pieces
    for (const [i, w] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
      c.get(w, 0, 1);
      c.set(w, 0, 1, i);
    }
    expect(['a', 'b', 'c', 'd'].map((w) => c.get(w, 0, 1))).toEqual([0, 1, 2, 3]);
    expect(c.get('e', 0, 1)).toBeUndefined();
    const long = new PieceCache(4, 5);
    expect(long.get('abcdef', 0, 6)).toBeUndefined();
    long.set('abcdef', 0, 6, 1);
    expect(long.get('abcdef', 0, 6)).toBeUndefined();
  });

  it('keeps every piece when their characters outgrow the first pool (it grows, nothing is lost)', () => {
    const c = new PieceCache(15, 32); // 32,768 slots, 16,384 pieces of up to 32 characters
    const word = (i: number) => `w${i.toString(36).padStart(12, '0')}`;
    for (let i = 0; i < 10_000; i++) {
      const text = `(${word(i)})`;
      expect(c.get(text, 1, text.length - 1)).toBeUndefined();
      c.set(text, 1, text.length - 1, i % 3 === 0 ? [i, i + 1] : i);
    }
    for (let i = 0; i < 10_000; i += 37) expect(c.get(word(i), 0, 13)).toEqual(i % 3 === 0 ? [i, i + 1] : i);
    expect(c.get(word(10_000), 0, 13)).toBeUndefined();
  });

  it('agrees with a Map on random pieces, collisions included (a 16-slot table)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 40 }), (words) => {
        const c = new PieceCache(4);
        const m = new Map<string, number>();
        for (const [i, w] of words.entries()) {
          const text = `<${w}>`;
          const got = c.get(text, 1, 1 + w.length);
          expect(got).toBe(m.get(w));
          if (got === undefined && m.size < 8) {
            c.set(text, 1, 1 + w.length, i);
            m.set(w, i);
          }
        }
      }),
      { seed: 99, numRuns: 300 },
    );
  });
});
