import { describe, expect, it } from 'vitest';
import { embedderForIndex, embedderSpecFromId } from './index-embedder.js';

describe('embedderSpecFromId', () => {
  it('reads back the spec and options of USE-lite and ONNX embedder ids', () => {
    expect(embedderSpecFromId('use-lite')).toEqual({ spec: 'use-lite', options: {} });
    expect(embedderSpecFromId('onnx:/models/Xenova/all-MiniLM-L6-v2:q8:mean:norm:256')).toEqual({
      spec: '/models/Xenova/all-MiniLM-L6-v2',
      options: { quantized: true, pooling: 'mean', normalize: true, maxTokens: 256 },
    });
    expect(embedderSpecFromId('onnx:org/name:cls:512')).toEqual({
      spec: 'org/name',
      options: { quantized: false, pooling: 'cls', normalize: false, maxTokens: 512 },
    });
    expect(embedderSpecFromId('something-else')).toBeUndefined();
  });

  it('refuses an index without vectors, and an unknown recorded id without --embedder', async () => {
    await expect(embedderForIndex('/x', null)).rejects.toMatchObject({ code: 'E_BAD_CONFIG', message: expect.stringContaining('has no vectors') });
    await expect(embedderForIndex('/x', { id: 'custom', dim: 3 })).rejects.toMatchObject({
      message: 'index /x was built with embedder "custom"; pass the same one with --embedder',
    });
  });
});
