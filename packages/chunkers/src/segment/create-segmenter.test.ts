import { describe, expect, it } from 'vitest';
import { bagOfWordsEmbedder } from './_fake-embedder.js';
import { createSegmenter, SEGMENTER_NAMES } from './create-segmenter.js';

describe('createSegmenter', () => {
  it('builds the lexical segmenters without an embedder', async () => {
    expect((await createSegmenter('c99')).name).toBe('c99');
    expect((await createSegmenter('texttiling', { w: 10 })).name).toBe('texttiling');
  });
  it('builds the embedding segmenters from deps.embedder', async () => {
    const embedder = bagOfWordsEmbedder();
    expect((await createSegmenter('semantic', {}, { embedder })).name).toBe('semantic');
    expect((await createSegmenter('embedding-depth', { window: 2 }, { embedder })).name).toBe('embedding-depth');
  });
  it('names the problem: unknown segmenter, missing embedder, unknown option', async () => {
    await expect(createSegmenter('nope')).rejects.toMatchObject({ code: 'E_UNKNOWN_COMPONENT', message: expect.stringContaining(SEGMENTER_NAMES.join(', ')) });
    await expect(createSegmenter('semantic')).rejects.toMatchObject({ code: 'E_BAD_CONFIG', message: expect.stringContaining('needs an embedder') });
    await expect(createSegmenter('c99', { window: 3 })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });
});
