import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachWord, WORD_RE } from './tokenize-words.js';

const words = (text: string): string[] => {
  const out: string[] = [];
  forEachWord(text, (w) => out.push(w));
  return out;
};

describe('forEachWord', () => {
  it('splits exactly like the reference regex on arbitrary mixes of tricky characters', () => {
    const pieces = ['a', 'Z', '7', '٣', "'", '’', '.', ',', '-', ' ', 'é', 'e\u0301', '\u0301', '𝐀', '\ud800', '\udc00', '\n', '_', '½'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(words(text)).toEqual(Array.from(text.matchAll(WORD_RE), (m) => m[0]));
      }),
      { numRuns: 2000, seed: 1 },
    );
  });

  it('bigrams Han/Kana runs (astral ideographs kept whole) and leaves other scripts alone', () => {
    expect(words('東京都に行く')).toEqual(['東京', '京都', '都に', 'に行', '行く']);
    expect(words('𠀀𠀁 abc日本x')).toEqual(['𠀀𠀁', 'abc', '日本', 'x']);
    expect(words('서울 특별시')).toEqual(['서울', '특별시']);
  });
});
