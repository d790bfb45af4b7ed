import { collect, createTokenizer, type Tokenizer } from '@sift/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenCeiling, wholeDocument } from './_pack.js';
import { createChunker } from './create-chunker.js';

const NAMES = ['cl100k', 'o200k', 'char', 'whitespace'] as const;
const tokenizers = new Map<string, Tokenizer>();
beforeAll(async () => {
  for (const n of NAMES) tokenizers.set(n, await createTokenizer(n));
});

// Unicode of every width: astral pairs, lone surrogates, CJK, combining marks, control characters, whitespace.
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.constantFrom('a', ' ', '\n', 'é', '漢', '😀', '\ud800', '\u0301', '\u0000', '<|endoftext|>'), maxLength: 200 }));

describe('tokenCeiling', () => {
  it('is never below the real token count, for every tokenizer', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const n of NAMES) expect(tokenCeiling(tokenizers.get(n)!, text)).toBeGreaterThanOrEqual(tokenizers.get(n)!.count(text));
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('is Infinity for a tokenizer without a ceiling, so nothing skips tokenizing', () => {
    const char = tokenizers.get('char')!;
    const bare: Tokenizer = {
      name: 'char',
      additive: true,
      count: (t) => char.count(t),
      encode: (t) => char.encode(t),
      decode: (ids) => char.decode(ids),
      encodeWithOffsets: (t) => char.encodeWithOffsets(t),
    };
    expect(tokenCeiling(bare, 'short')).toBe(Number.POSITIVE_INFINITY);
    expect(wholeDocument(bare, 'short', 512)).toBeUndefined();
  });
});

describe('wholeDocument', () => {
  it('one trimmed chunk with its real count when it fits, none when blank, undefined when it does not', () => {
    const tok = tokenizers.get('cl100k')!;
    expect(wholeDocument(tok, '  Hello, world.\n', 512)).toEqual([{ start: 2, end: 15, bodyStart: 2, tokens: tok.count('Hello, world.') }]);
    expect(wholeDocument(tok, ' \n\t ', 512)).toEqual([]);
    const n = tok.count('é'.repeat(10));
    expect(wholeDocument(tok, 'é'.repeat(10), 20)).toEqual([{ start: 0, end: 10, bodyStart: 0, tokens: n }]); // 20 UTF-8 bytes
    expect(wholeDocument(tok, 'é'.repeat(10), n)).toEqual([{ start: 0, end: 10, bodyStart: 0, tokens: n }]); // counted
    expect(wholeDocument(tok, 'é'.repeat(10), n - 1)).toBeUndefined();
  });

  it('counts a document whose ceiling does not fit, and takes it whole when its count does', () => {
    const tok = tokenizers.get('cl100k')!;
    const text = ' Antidisestablishmentarianism, notwithstanding.\n';
    const n = tok.count(text.trim());
    expect(tokenCeiling(tok, text)).toBeGreaterThan(n + 2);
    expect(wholeDocument(tok, text, n)).toEqual([{ start: 1, end: text.length - 1, bodyStart: 1, tokens: n }]);
    expect(wholeDocument(tok, text, n - 1)).toBeUndefined();
    expect(tok.countUpTo!(text.repeat(1000), 10)).toBeGreaterThan(10);
    expect(tok.countUpTo!(text.repeat(3), 1000)).toBe(tok.count(text.repeat(3)));
  });

  it('recursive and sentence chunkers give a short document the chunk the splitting path gives it', async () => {
    // The same documents and sizes with the shortcut (ceiling, then a count) and without it (the tokenizer instance,
    // which the chunkers share, has both hidden): the chunks must be identical. Sizes sit at the document's count,
    // outer whitespace changes the edges' tokens, and overlap makes limit < size.
    const tok = tokenizers.get('cl100k')!;
    const words = fc.constantFrom('The', ' cat', ' sat.', ' Xylophonist', ' ', '\n\n', ' 1999', ',', ' naïve', '  ', ' rhinoceroses', '!', '\t');
    const docs = fc.tuple(fc.array(words, { minLength: 1, maxLength: 40 }), fc.constantFrom('', ' ', '\n', '  \n'), fc.constantFrom('', ' ', '\n'));
    const sizes = [-2, -1, 0, 1, 2];
    const chunkers = new Map<string, Awaited<ReturnType<typeof createChunker>>>();
    const chunkerFor = async (kind: 'recursive' | 'sentence', size: number, overlap: number) => {
      const key = `${kind}/${size}/${overlap}`;
      if (!chunkers.has(key)) chunkers.set(key, await createChunker({ chunker: kind, size, overlap }));
      return chunkers.get(key)!;
    };
    const hidden = { ceiling: undefined, countUpTo: undefined };
    await fc.assert(
      fc.asyncProperty(docs, fc.constantFrom('recursive', 'sentence' as const), fc.constantFrom(0, 2), async ([ws, lead, trail], kind, overlap) => {
        const text = `${lead}${ws.join('')}${trail}`;
        const n = tok.count(text);
        for (const d of sizes) {
          const size = Math.max(overlap + 4, n + overlap + d);
          const chunker = await chunkerFor(kind, size, overlap);
          const doc = { id: 'd', text, metadata: {} };
          const fast = await collect(chunker.chunk(doc));
          Object.assign(tok, hidden);
          let slow;
          try {
            slow = await collect(chunker.chunk(doc));
          } finally {
            delete (tok as Partial<Record<keyof typeof hidden, unknown>>).ceiling;
            delete (tok as Partial<Record<keyof typeof hidden, unknown>>).countUpTo;
          }
          expect(fast).toEqual(slow);
        }
      }),
      { numRuns: 150, seed: 20261203 },
    );
    expect(tok.ceiling).toBeTypeOf('function');
  });
});
