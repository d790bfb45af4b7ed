import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteRanks } from './_byte-ranks.js';
import { mergeBytePairs, mergeShortAscii, mergeShortBytes, SHORT_PIECE } from './_bpe-merge.js';

interface Core {
  bytePairMerge(piece: Uint8Array): number[];
  getBpeRankFromBytes(key: Uint8Array): number | undefined;
  getBpeRankFromString(key: string): number | undefined;
}

async function core(name: 'cl100k' | 'o200k'): Promise<Core> {
  const enc = name === 'cl100k' ? await import('gpt-tokenizer/encoding/cl100k_base') : await import('gpt-tokenizer/encoding/o200k_base');
  return (enc.default as unknown as { bytePairEncodingCoreProcessor: Core }).bytePairEncodingCoreProcessor;
}

async function byteRanks(name: 'cl100k' | 'o200k'): Promise<ByteRanks> {
  const table = name === 'cl100k' ? await import('gpt-tokenizer/bpeRanks/cl100k_base') : await import('gpt-tokenizer/bpeRanks/o200k_base');
  return new ByteRanks(table.default);
}

function heapIds(c: Core, bytes: Uint8Array, cached = true): number[] {
  const parts = mergeBytePairs(bytes.length, (a, b) => c.getBpeRankFromBytes(bytes.subarray(a, b)), cached ? bytes : undefined);
  const ids: number[] = [];
  for (let k = 0; k < parts.length; k += 2) ids.push(c.getBpeRankFromBytes(bytes.subarray(parts[k]!, parts[k + 1]!))!);
  return ids;
}

// Pieces from few symbols, so that many pairs tie and merges cascade; multi-byte letters too.
const ALPHABET = ['a', 'b', 'e', 'n', 'é', 'ß', '中', '文', '.', '-', '😀'];

describe('mergeBytePairs', () => {
  it('matches gpt-tokenizer’s own (quadratic) merge exactly, for cl100k and o200k', async () => {
    const utf8 = new TextEncoder();
    for (const name of ['cl100k', 'o200k'] as const) {
      const c = await core(name);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 300 }), (chars) => {
          const bytes = utf8.encode(chars.join(''));
          const want = c.bytePairMerge(bytes);
          expect(heapIds(c, bytes)).toEqual(want);
          expect(heapIds(c, bytes, false)).toEqual(want);
        }),
        { seed: 11, numRuns: 150 },
      );
      for (const ch of ['a', '.', ' ', '中', 'ab', 'abc ']) {
        const bytes = utf8.encode(ch.repeat(700));
        expect(heapIds(c, bytes)).toEqual(c.bytePairMerge(bytes));
      }
    }
  });

  it('returns nothing for an empty piece and one part for one byte', () => {
    expect(Array.from(mergeBytePairs(0, () => 1))).toEqual([]);
    expect(Array.from(mergeBytePairs(1, () => 1))).toEqual([0, 1]);
  });

  it('mergeShortAscii gives gpt-tokenizer’s ids for ASCII pieces up to SHORT_PIECE characters', async () => {
    const utf8 = new TextEncoder();
    // Letters that form common English pairs (many merges, many ties), digits, punctuation, space.
    const ascii = fc.constantFrom(...'eeettaaoinshrdlucmfwyp'.split(''), 'T', 'Q', 'z', '0', '7', '.', '-', "'", ' ', '_');
    for (const name of ['cl100k', 'o200k'] as const) {
      const c = await core(name);
      const rank = await byteRanks(name);
      fc.assert(
        fc.property(fc.array(ascii, { minLength: 1, maxLength: SHORT_PIECE }), (chars) => {
          const piece = chars.join('');
          expect(mergeShortAscii(piece, rank)).toEqual(c.bytePairMerge(utf8.encode(piece)));
        }),
        { seed: 23, numRuns: 400 },
      );
      for (const word of [' Lotharingia', 'Hucbert', ' antidisestablishmentarianism', 'x'.repeat(SHORT_PIECE), ' zzzqqq']) {
        expect(mergeShortAscii(word, rank)).toEqual(c.bytePairMerge(utf8.encode(word)));
      }
    }
    const cl100k = await byteRanks('cl100k');
    expect(() => mergeShortAscii('a'.repeat(SHORT_PIECE + 1), cl100k)).toThrow(/at most/);
  });

  it('mergeShortBytes gives gpt-tokenizer’s ids for any piece up to SHORT_PIECE bytes', async () => {
    const utf8 = new TextEncoder();
    const chars = fc.constantFrom(...ALPHABET, 'ü', 'ö', 'ñ', 'и', 'я', 'ア', ' ', 'e', 's');
    for (const name of ['cl100k', 'o200k'] as const) {
      const c = await core(name);
      const rank = await byteRanks(name);
      fc.assert(
        fc.property(fc.array(chars, { minLength: 1, maxLength: 20 }), (cs) => {
          const bytes = utf8.encode(cs.join('')).slice(0, SHORT_PIECE);
          // Scratch bigger than the piece, as the tokenizer passes it.
          const scratch = new Uint8Array(bytes.length + 7).fill(0x41);
          scratch.set(bytes);
          expect(mergeShortBytes(scratch, bytes.length, rank)).toEqual(c.bytePairMerge(bytes));
        }),
        { seed: 29, numRuns: 400 },
      );
      for (const word of [' München', ' Ångström', ' Владимир', '東京都', ' naïveté']) {
        const bytes = utf8.encode(word);
        expect(mergeShortBytes(bytes, bytes.length, rank)).toEqual(c.bytePairMerge(bytes));
      }
    }
    const cl100k = await byteRanks('cl100k');
    expect(() => mergeShortBytes(new Uint8Array(SHORT_PIECE + 1), SHORT_PIECE + 1, cl100k)).toThrow(/at most/);
  });
});
