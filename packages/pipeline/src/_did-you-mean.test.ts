import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './_did-you-mean.js';

describe('didYouMean', () => {
  it('suggests the nearest key for a typo and nothing for a far word', () => {
    expect(editDistance('chunkr', 'chunker')).toBe(1);
    expect(didYouMean('chunkr', ['chunker', 'index', 'k'])).toBe('chunker');
    expect(didYouMean('Retreiver', ['retriever', 'embedder'])).toBe('retriever');
    expect(didYouMean('banana', ['chunker', 'index'])).toBeUndefined();
  });
});
