import { describe, expect, it } from 'vitest';
import { SiftError } from '../errors.js';
import type { TokenizerName } from '../schemas.js';
import { createTokenizer } from './create-tokenizer.js';

describe('createTokenizer', () => {
  it.each(['cl100k', 'o200k', 'whitespace', 'char'] as const)('creates %s', async (name) => {
    const tok = await createTokenizer(name);
    expect(tok.name).toBe(name);
    expect(tok.count('one two')).toBeGreaterThan(0);
  });

  it('rejects an unknown name with a coded error naming the key', async () => {
    const err = await createTokenizer('gpt2' as TokenizerName).catch((e: unknown) => e);
    expect(SiftError.isInstance(err)).toBe(true);
    expect((err as SiftError).code).toBe('E_BAD_CONFIG');
    expect((err as SiftError).message).toMatch(/tokenizer.*"gpt2".*cl100k/);
  });
});
