import type { Embedder } from '@sift/core';

/**
 * Test helper: a deterministic bag-of-words embedder (each lowercase word of 4+ letters hashed into one of `dim` buckets,
 * unit-normalised), so that sentences sharing words are similar and disjoint vocabularies are orthogonal.
 */
export function bagOfWordsEmbedder(dim = 256, id = 'bow-test'): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id,
    dim,
    maxTokens: 512,
    calls,
    async embed(texts: string[]) {
      calls.push([...texts]);
      return texts.map((t) => {
        const v = new Float32Array(dim);
        // Words of 4+ letters only: function words would make every sentence look alike.
        for (const w of t.toLowerCase().match(/[a-z]{4,}/g) ?? []) {
          let h = 2166136261;
          for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619);
          v[(h >>> 0) % dim]! += 1;
        }
        const n = Math.hypot(...v);
        if (n > 0) for (let i = 0; i < dim; i++) v[i]! /= n;
        return v;
      });
    },
  };
}

/** Two topics with disjoint vocabularies: sentences 0..5 about cooking, 6..11 about astronomy. */
export const TWO_TOPICS = [
  'The chef chopped onions and garlic for the soup.',
  'She simmered the soup with garlic, onions and fresh basil.',
  'Fresh basil and garlic give the tomato soup its flavour.',
  'The chef tasted the soup and added salt and basil.',
  'Onions should be chopped finely before the soup simmers.',
  'Serve the tomato soup with bread, basil and grated cheese.',
  'The telescope revealed distant galaxies and nebulae.',
  'Astronomers measured the galaxies through the telescope.',
  'Nebulae and galaxies glow faintly in telescope images.',
  'The astronomer pointed the telescope toward the nebula.',
  'Distant galaxies recede as the universe expands.',
  'Telescope surveys map galaxies across the universe.',
];
