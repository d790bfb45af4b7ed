import { collect, SiftError } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { TokenChunker } from './token-chunker.js';

const doc = (text: string) => ({ id: 'd', text, metadata: {} });

describe('TokenChunker', () => {
  it('cuts fixed windows with overlap, in characters', async () => {
    const c = await TokenChunker.create({ size: 4, overlap: 1, tokenizer: 'char' });
    const chunks = await collect(c.chunk(doc('abcdefghij')));
    expect(chunks.map((x) => x.text)).toEqual(['abcd', 'defg', 'ghij']);
    expect(chunks.map((x) => x.id)).toEqual(['d#0', 'd#1', 'd#2']);
  });

  it('windows are real cl100k tokens and concatenate back to the text without overlap', async () => {
    const c = await TokenChunker.create({ size: 5, tokenizer: 'cl100k' });
    const text = 'The quick brown fox jumps over the lazy dog. 😀 Naïve café!';
    const chunks = await collect(c.chunk(doc(text)));
    expect(chunks.map((x) => x.text).join('')).toBe(text);
    for (const ch of chunks) expect(ch.tokenCount).toBeLessThanOrEqual(5);
    expect(chunks[0]!.text).toBe('The quick brown fox jumps');
  });

  it('skips windows that are only whitespace', async () => {
    const c = await TokenChunker.create({ size: 2, tokenizer: 'char' });
    expect((await collect(c.chunk(doc('ab    cd')))).map((x) => x.text)).toEqual(['ab', 'cd']);
  });

  it('validates options, naming the key', async () => {
    await expect(TokenChunker.create({ size: 0 })).rejects.toThrow(/size/);
    await expect(TokenChunker.create({ size: 3, tokenizer: 'cl100k' })).rejects.toThrow(/size \(3\) must be at least 4 with the cl100k/);
    const err = await TokenChunker.create({ size: 8, overlap: 8 }).catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.code === 'E_BAD_CONFIG').toBe(true);
    expect(String(err)).toMatch(/overlap: overlap \(8\) must be smaller than size \(8\)/);
  });
});
