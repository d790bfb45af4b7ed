import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rawSentenceEnds } from './_raw-sentence-ends.js';
import { fastSentenceBreaks, isFastRange } from './_uax29-fast.js';

const icu = new Intl.Segmenter('en', { granularity: 'sentence' });
const icuEnds = (t: string) => Array.from(icu.segment(t), (s) => s.index + s.segment.length);

describe('fastSentenceBreaks', () => {
  it('equals Intl.Segmenter on text it models (differential)', () => {
    const alphabet = fc.constantFrom(
      ...'aZB19.!?  \t\n\r"\'()[]{},-:;#/<>*_`~|&$%+=@^\\\v\f\x00\x7f'.split(''),
      ...'\x85\xa0\xab\xbb\xc9\xe9\xd7\xdf\u2013\u2014\u2018\u2019\u201c\u201d\u2028\u2029\u2022'.split(''),
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')), (text) => {
        expect(isFastRange(text, 0, text.length)).toBe(true);
        const got: number[] = [];
        fastSentenceBreaks(text, 0, text.length, got);
        expect(got).toEqual(icuEnds(text));
      }),
      { numRuns: 2000, seed: 29 },
    );
  });
});

describe('rawSentenceEnds', () => {
  it('segments long text block by block exactly as one Intl.Segmenter pass', () => {
    const sentence = fc.constantFrom('Hello there. ', 'Is it so? ', 'Wow! ', 'Dr. Who came. ', 'à la carte. ', '漢字。', 'x\n', 'y\n\n');
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 400, maxLength: 900 }).map((a) => a.join('')), fc.boolean(), (text, noNewlines) => {
        const t = noNewlines ? text.replace(/\n/g, ' ') : text;
        expect(rawSentenceEnds(t, 'en')).toEqual(icuEnds(t));
      }),
      { numRuns: 20, seed: 5 },
    );
  });
});
