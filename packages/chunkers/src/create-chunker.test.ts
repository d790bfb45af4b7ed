import { SiftError } from '@sift/core';
import { describe, expect, it } from 'vitest';
import type { ChunkerConfig } from './chunker-config.js';
import { chunkText, createChunker } from './create-chunker.js';

describe('createChunker', () => {
  it.each(['token', 'sentence', 'recursive'] as const)('builds %s with defaults (cl100k, 512)', async (chunker) => {
    const c = await createChunker({ chunker });
    expect(c.name).toBe(chunker);
  });

  it.each([
    [{ chunker: 'nope' }, /chunker: unknown chunker "nope" \(expected one of token, sentence, recursive/],
    [{ chunker: 'recursive', sizee: 5 }, /Unrecognized key: "sizee"/],
    [{ chunker: 'token', size: 10, overlap: 12 }, /overlap: overlap \(12\) must be smaller than size \(10\)/],
    [{ chunker: 'sentence', size: 'big' }, /size: /],
    [{ chunker: 'recursive', tokenizer: 'gpt2' }, /tokenizer: /],
    [{ chunker: 'recursive', separators: [] }, /separators: /],
  ])('rejects %j with E_BAD_CONFIG naming the key', async (config, message) => {
    const err = await createChunker(config as unknown as ChunkerConfig).catch((e: unknown) => e);
    expect(SiftError.isInstance(err)).toBe(true);
    expect((err as SiftError).code).toBe('E_BAD_CONFIG');
    expect((err as SiftError).message).toMatch(message);
  });
});

describe('chunkText', () => {
  it('chunks a string with ids under the given docId', async () => {
    const chunks = await chunkText('One. Two. Three.', { chunker: 'sentence', size: 6, tokenizer: 'char' }, { docId: 'a' });
    expect(chunks.map((c) => [c.id, c.text])).toEqual([
      ['a#0', 'One.'],
      ['a#1', 'Two.'],
      ['a#2', 'Three.'],
    ]);
  });
});
