import type { Embedder } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { checkSameEmbedder, noVectorsError } from './index-embedder.js';

const embedder = (id: string, dim: number): Embedder => ({ id, dim, maxTokens: 8, embed: (t) => Promise.resolve(t.map(() => new Float32Array(dim))) });

describe('index embedder checks', () => {
  it('accepts the recorded embedder and names both when they differ', () => {
    expect(() => checkSameEmbedder('/x', { id: 'use-lite', dim: 512 }, embedder('use-lite', 512))).not.toThrow();
    expect(() => checkSameEmbedder('/x', { id: 'use-lite', dim: 512 }, embedder('mine', 512))).toThrow('index /x was built with embedder "use-lite" (dim 512), not "mine" (dim 512)');
  });
  it('says how to get vectors', () => {
    expect(noVectorsError('/x')).toMatchObject({ code: 'E_BAD_CONFIG', message: expect.stringMatching(/has no vectors .*--retriever bm25.*--embedder use-lite --rebuild/) });
  });
});
