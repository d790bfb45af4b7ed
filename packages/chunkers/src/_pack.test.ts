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
  it('one trimmed chunk with its real count when the ceiling fits, none when blank, undefined when it may not fit', () => {
    const tok = tokenizers.get('cl100k')!;
    expect(wholeDocument(tok, '  Hello, world.\n', 512)).toEqual([{ start: 2, end: 15, bodyStart: 2, tokens: tok.count('Hello, world.') }]);
    expect(wholeDocument(tok, ' \n\t ', 512)).toEqual([]);
    expect(wholeDocument(tok, 'é'.repeat(10), 19)).toBeUndefined(); // 20 UTF-8 bytes
    expect(wholeDocument(tok, 'é'.repeat(10), 20)).toHaveLength(1);
  });

  it('recursive and sentence chunkers give a short document the chunk the splitting path gives it', async () => {
    // A document one byte over the ceiling goes through the splitter; the same text one byte shorter through the
    // shortcut: both must be one chunk spanning the trimmed text.
    const body = 'One sentence here. Another one there!\n\nA new paragraph.';
    for (const chunker of ['recursive', 'sentence'] as const) {
      const size = Buffer.byteLength(body) + 1;
      const viaShortcut = await collect((await createChunker({ chunker, size })).chunk({ id: 'd', text: `\n${body} `, metadata: {} }));
      const viaSplitter = await collect((await createChunker({ chunker, size: size - 1 })).chunk({ id: 'd', text: `\n${body} x`, metadata: {} }));
      expect(viaShortcut).toHaveLength(1);
      expect(viaShortcut[0]).toMatchObject({ start: 1, end: 1 + body.length, text: body, tokenCount: tokenizers.get('cl100k')!.count(body) });
      expect(viaSplitter).toHaveLength(1); // its tokens fit in size - 1, its byte ceiling did not: the splitter path
      expect(viaSplitter[0]!.start).toBe(1);
    }
  });
});
