import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';

describe('CharTokenizer', () => {
  const tok = new CharTokenizer();

  it('counts code points, keeping surrogate pairs whole', () => {
    expect(tok.count('a😀b')).toBe(3);
    expect(Array.from(tok.encodeWithOffsets('a😀b').offsets)).toEqual([0, 1, 3, 4]);
    expect(tok.count('\ud800x')).toBe(2); // a lone surrogate is one token
  });

  it('round-trips and agrees with encode on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const { ids, offsets } = tok.encodeWithOffsets(text);
        expect(ids).toEqual(tok.encode(text));
        expect(ids.length).toBe(tok.count(text));
        expect(offsets.length).toBe(ids.length + 1);
        expect(offsets[ids.length]).toBe(text.length);
        expect(tok.decode(ids)).toBe(text);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
