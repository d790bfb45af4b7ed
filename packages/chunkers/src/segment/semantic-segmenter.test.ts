import { describe, expect, it } from 'vitest';
import { bagOfWordsEmbedder, TWO_TOPICS } from './_fake-embedder.js';
import { percentile, SemanticSegmenter } from './semantic-segmenter.js';

describe('SemanticSegmenter.segment', () => {
  const seg = (o = {}) => new SemanticSegmenter(o, bagOfWordsEmbedder());
  it('puts one boundary at the topic change of two obvious topics', async () => {
    expect(await seg({ threshold: 0.7 }).segment(TWO_TOPICS)).toEqual([6]);
    expect(await seg().segment(TWO_TOPICS)).toContain(6);
  });
  it('finds no boundary in one topic with an absolute threshold', async () => {
    expect(await seg({ threshold: 0.7 }).segment(TWO_TOPICS.slice(0, 6))).toEqual([]);
  });
  it('does not crash with fewer sentences than the window', async () => {
    expect(await seg().segment([])).toEqual([]);
    expect(await seg().segment(['One.'])).toEqual([]);
    expect(await seg().segment(['Soup with basil.', 'Telescope galaxies.'], { k: 2 })).toEqual([1]);
  });
  it('returns exactly k−1 boundaries when k is known', async () => {
    for (const k of [1, 2, 4]) expect(await seg().segment(TWO_TOPICS, { k })).toHaveLength(k - 1);
    expect(await seg().segment(TWO_TOPICS, { k: 2 })).toEqual([6]);
  });
});

describe('percentile', () => {
  it('interpolates linearly like numpy', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([5], 90)).toBe(5);
  });
});
