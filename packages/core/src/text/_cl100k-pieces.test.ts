import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachCl100kPiece, stickyRegex } from './_cl100k-pieces.js';

async function cl100kRegex(): Promise<RegExp> {
  const enc = await import('gpt-tokenizer/encoding/cl100k_base');
  return (enc.default as unknown as { bytePairEncodingCoreProcessor: { tokenSplitRegex: RegExp } }).bytePairEncodingCoreProcessor.tokenSplitRegex;
}

function scanned(text: string, sticky: RegExp): number[][] {
  const out: number[][] = [];
  forEachCl100kPiece(text, sticky, (a, b) => out.push([a, b]));
  return out;
}

// Every class the regex tells apart, in ASCII and outside it: letters of both cases (and the contraction letters),
// digits, apostrophes, each ASCII whitespace and line break, punctuation, and non-ASCII letters, digits, spaces,
// marks, punctuation, CJK, emoji (surrogate pairs) and the long s that folds to 's' under /iu.
const atoms = [
  'a', 'Z', 's', 'S', 't', 'T', 'r', 'R', 'e', 'E', 'v', 'V', 'l', 'L', 'm', 'M', 'd', 'D', 'x',
  '0', '7', '42', '12345', "'", "'s", "'LL", "'re", "'Ve", "'d", "'x",
  ' ', '  ', '\t', '\n', '\r', '\r\n', '\v', '\f', '\n\n', ' \n ',
  '.', ',', '!', '?', '-', '"', '(', ')', '#', '...', '$', '`', '_', '@', '/', '\\', '=',
  'é', 'É', 'ß', 'ſ', 'Ω', '中', '文', '١', '٣', '½', '\u00a0', '\u3000', '\u2028', '\u0301', '—', '“', '。', '😀', '\ud83d',
];
const text = fc.array(fc.constantFrom(...atoms), { minLength: 0, maxLength: 40 }).map((xs) => xs.join(''));
const asciiText = fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), maxLength: 60 });

describe('forEachCl100kPiece', () => {
  it('gives exactly the split regex matches (mixed ASCII and non-ASCII classes)', async () => {
    const re = await cl100kRegex();
    const sticky = stickyRegex(re);
    fc.assert(
      fc.property(text, (t) => {
        expect(scanned(t, sticky)).toEqual(Array.from(t.matchAll(re), (m) => [m.index, m.index + m[0].length]));
      }),
      { seed: 20261202, numRuns: 3000 },
    );
  });

  it('gives exactly the split regex matches on any ASCII text', async () => {
    const re = await cl100kRegex();
    const sticky = stickyRegex(re);
    fc.assert(
      fc.property(asciiText, (t) => {
        expect(scanned(t, sticky)).toEqual(Array.from(t.matchAll(re), (m) => [m.index, m.index + m[0].length]));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('cuts English prose like the regex', async () => {
    const re = await cl100kRegex();
    const t = "It's 2024: the U.S. didn't   say \"no\"...\n\n  Tabs\there,\r\nand 12345 digits; we'll see 'em   \n";
    expect(scanned(t, stickyRegex(re)).map(([a, b]) => t.slice(a!, b))).toEqual(Array.from(t.matchAll(re), (m) => m[0]));
  });
});

describe('CL100K_SPLIT_SOURCE', () => {
  it("is gpt-tokenizer's cl100k split regex (the scanner is used only when it is)", async () => {
    const { CL100K_SPLIT_SOURCE } = await import('./_cl100k-pieces.js');
    const re = await cl100kRegex();
    expect(re.source).toBe(CL100K_SPLIT_SOURCE);
    expect(re.flags).toBe('gu');
  });
});
