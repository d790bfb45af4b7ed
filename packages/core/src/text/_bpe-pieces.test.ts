import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pieceSpans } from './_bpe-pieces.js';

async function splitRegex(name: 'cl100k' | 'o200k'): Promise<RegExp> {
  const enc = name === 'cl100k' ? await import('gpt-tokenizer/encoding/cl100k_base') : await import('gpt-tokenizer/encoding/o200k_base');
  return (enc.default as unknown as { bytePairEncodingCoreProcessor: { tokenSplitRegex: RegExp } }).bytePairEncodingCoreProcessor.tokenSplitRegex;
}

// Runs of one repeated character (letters of each case, CJK, punctuation, an emoji) inside varied context: spaces,
// newlines, digits, contractions, other runs.
const runChar = fc.constantFrom('a', 'A', 'é', '中', '.', '-', '😀', "'", 'ß', 'Ω');
const context = fc.constantFrom('', ' ', '\n', "'s", "'S", ' x', 'x', 'Ab', '12', '3', '\r\n', '  ', '!', '中文', '\t', 'a', '.');
const text = fc
  .array(fc.tuple(context, runChar, fc.integer({ min: 1, max: 90 }), context), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([a, ch, n, b]) => a + ch.repeat(n) + b).join(''));

describe('pieceSpans', () => {
  it.each(['cl100k', 'o200k'] as const)('equals the regex matches when long runs are shortened (%s)', async (name) => {
    const re = await splitRegex(name);
    fc.assert(
      fc.property(text, (t) => {
        const want = Array.from(t.matchAll(re), (m) => [m.index, m.index + m[0].length]);
        // Runs over 40 units are cut down to 6 code points at each end before the regex runs.
        expect(Array.from(pieceSpans(t, re, 40, 6))).toEqual(want);
      }),
      { seed: 31, numRuns: 400 },
    );
  });
});

describe('BpeTokenizer on texts longer than LONG_RUN', () => {
  it('encodes a long run inside text exactly as gpt-tokenizer does (a run of 1.2 M characters)', { timeout: 300_000 }, async () => {
    const { BpeTokenizer } = await import('./bpe-tokenizer.js');
    const { mergeBytePairs } = await import('./_bpe-merge.js');
    const enc = (await import('gpt-tokenizer/encoding/cl100k_base')).default;
    // gpt-tokenizer's own merge is quadratic in a piece's length (hours for the run): its long pieces go through the
    // heap merge here, with gpt-tokenizer's ranks (the heap merge equals its merge: _bpe-merge.test.ts).
    type Core = { bytePairEncode(p: string): number[]; getBpeRankFromBytes(b: Uint8Array): number | undefined };
    const core = (enc as unknown as { bytePairEncodingCoreProcessor: Core }).bytePairEncodingCoreProcessor;
    const quadratic = core.bytePairEncode.bind(core);
    core.bytePairEncode = (piece: string): number[] => {
      if (piece.length < 1000) return quadratic(piece);
      const bytes = new TextEncoder().encode(piece);
      const parts = mergeBytePairs(bytes.length, (a, b) => core.getBpeRankFromBytes(bytes.subarray(a, b)), bytes);
      const out: number[] = [];
      for (let k = 0; k < parts.length; k += 2) out.push(core.getBpeRankFromBytes(bytes.subarray(parts[k]!, parts[k + 1]!))!);
      return out;
    };
    const tok = await BpeTokenizer.create('cl100k');
    const t = `It's a test:\n${'='.repeat(300)} ${"'s".repeat(5)}${'ß'.repeat(1_200_000)}! 12345 and then some words.\n`;
    const ids = tok.encode(t);
    // gpt-tokenizer's own encode() spreads a piece's ids into push(), too many arguments here: collect its pieces.
    const want: number[] = [];
    for (const piece of enc.encodeGenerator(t, { disallowedSpecial: new Set() })) for (const id of piece) want.push(id);
    expect(ids.length).toBe(want.length);
    expect(ids.every((id, i) => id === want[i])).toBe(true);
    expect(tok.count(t)).toBe(ids.length);
    expect((await tok.tokenBoundaries(t)).offsets.length - 1).toBe(ids.length);
  });
});

describe('hasLongRun', () => {
  it('finds runs of one repeated code point over the limit, BMP or astral, and nothing else', async () => {
    const { hasLongRun } = await import('./_bpe-pieces.js');
    expect(hasLongRun('x'.repeat(30), 40)).toBe(false); // a text no longer than the limit holds no longer run
    expect(hasLongRun(`ab ${'x'.repeat(41)} cd`, 40)).toBe(true);
    expect(hasLongRun(`ab ${'x'.repeat(40)} cd`, 40)).toBe(false);
    expect(hasLongRun(`${'😀'.repeat(21)}.`, 40)).toBe(true); // 42 units
    expect(hasLongRun(`${'😀'.repeat(20)}.`.padEnd(60, ' z'), 40)).toBe(false);
    expect(hasLongRun('ab'.repeat(40), 40)).toBe(false); // alternating letters repeat every two units but are two code points
    expect(hasLongRun(`${' '.repeat(100)}x`, 40)).toBe(false); // whitespace runs are the regex's business
    expect(hasLongRun('1'.repeat(100), 40)).toBe(false); // so are digits
  });
});
