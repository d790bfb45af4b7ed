import { describe, expect, it } from 'vitest';
import { C99Segmenter, rankTransform, stemTokens } from './c99.js';
import { TWO_TOPICS } from './_fake-embedder.js';

describe('stemTokens', () => {
  it('keeps letter-only tokens, drops stopwords and Porter-stems', () => {
    expect(stemTokens('The runners were running , U.S. 1960 `` quickly ``')).toEqual(['runner', 'run', 'quickli']);
  });
});

describe('rankTransform', () => {
  it('gives each cell the share of other cells in its mask with a lower value', () => {
    // 2×2 matrix, mask covers everything: 3 other cells each.
    const r = rankTransform(Float64Array.from([1, 0.2, 0.2, 1]), 2, 11);
    expect(Array.from(r)).toEqual([2 / 3, 0, 0, 2 / 3]);
  });
});

describe('C99Segmenter.segment', () => {
  it('splits two obvious topics at the change', async () => {
    expect(await new C99Segmenter().segment(TWO_TOPICS)).toEqual([6]);
    expect(await new C99Segmenter().segment(TWO_TOPICS, { k: 2 })).toEqual([6]);
  });
  it('returns exactly k−1 boundaries when k is known', async () => {
    for (const k of [1, 2, 4, 12]) expect(await new C99Segmenter().segment(TWO_TOPICS, { k })).toHaveLength(k - 1);
  });
  it('does not crash on tiny inputs', async () => {
    expect(await new C99Segmenter().segment([])).toEqual([]);
    expect(await new C99Segmenter().segment(['One sentence.'])).toEqual([]);
    expect(await new C99Segmenter().segment(['Cats purr.', 'Dogs bark.'], { k: 2 })).toEqual([1]);
  });
  it('rejects unknown options', () => {
    expect(() => new C99Segmenter({ mask: 3 } as never)).toThrow(/c99 options/);
  });
});
