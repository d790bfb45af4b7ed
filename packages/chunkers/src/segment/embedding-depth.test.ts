import { describe, expect, it } from 'vitest';
import { bagOfWordsEmbedder, TWO_TOPICS } from './_fake-embedder.js';
import { EmbeddingDepthSegmenter } from './embedding-depth.js';

describe('EmbeddingDepthSegmenter.segment', () => {
  const seg = () => new EmbeddingDepthSegmenter({}, bagOfWordsEmbedder());
  it('puts one boundary at the topic change of two obvious topics', async () => {
    expect(await seg().segment(TWO_TOPICS)).toEqual([6]);
  });
  it('finds no boundary in one topic', async () => {
    expect(await seg().segment(TWO_TOPICS.slice(0, 6))).toEqual([]);
  });
  it('does not crash with fewer sentences than the window', async () => {
    expect(await seg().segment([])).toEqual([]);
    expect(await seg().segment(['Only one sentence.'])).toEqual([]);
    expect(await seg().segment(['Soup with basil.', 'Telescope galaxies.'])).toEqual([]);
  });
  it('returns exactly k−1 boundaries when k is known', async () => {
    for (const k of [1, 2, 3, 5]) expect(await seg().segment(TWO_TOPICS, { k })).toHaveLength(k - 1);
    expect(await seg().segment(TWO_TOPICS, { k: 2 })).toEqual([6]);
    expect(await seg().segment(['a b', 'c d'], { k: 2 })).toEqual([1]);
  });
  it('reuses vectors through segmentVectors without embedding again', async () => {
    const e = bagOfWordsEmbedder();
    const s = new EmbeddingDepthSegmenter({ window: 3 }, e);
    const v = await e.embed(TWO_TOPICS);
    expect(s.segmentVectors(v)).toEqual([6]);
    expect(e.calls).toHaveLength(1);
  });
});
