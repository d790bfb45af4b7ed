import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsciiRanks, isAscii } from './_ascii-ranks.js';

async function table(name: 'cl100k' | 'o200k'): Promise<Array<string | number[]>> {
  const t = name === 'cl100k' ? await import('gpt-tokenizer/bpeRanks/cl100k_base') : await import('gpt-tokenizer/bpeRanks/o200k_base');
  return t.default as Array<string | number[]>;
}

describe('AsciiRanks', () => {
  it('finds every ASCII token of cl100k and o200k at its id, looked up as a span inside a longer text', async () => {
    for (const name of ['cl100k', 'o200k'] as const) {
      const t = await table(name);
      const ranks = new AsciiRanks(t);
      let checked = 0;
      t.forEach((v, id) => {
        if (typeof v !== 'string' || !isAscii(v)) return;
        const text = `ab${v}cd`;
        expect(ranks.rank(text, 2, 2 + v.length)).toBe(id);
        checked++;
      });
      expect(checked).toBeGreaterThan(name === 'cl100k' ? 90_000 : 120_000);
    }
  });

  it('says -1 for spans that are not tokens, the same as the rank map', async () => {
    const t = await table('cl100k');
    const ranks = new AsciiRanks(t);
    const map = new Map<string, number>();
    t.forEach((v, id) => typeof v === 'string' && map.set(v, id));
    const chars = fc.constantFrom(...'etaoinQZxq-_.,; 0789'.split(''), '\n', '\t', '\x7f', '\x00');
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 12 }), (cs) => {
        const s = cs.join('');
        expect(ranks.rank(`[${s}]`, 1, 1 + s.length)).toBe(map.get(s) ?? -1);
      }),
      { seed: 5, numRuns: 3000 },
    );
    expect(ranks.rank('abc', 1, 1)).toBe(-1);
    expect(new AsciiRanks([]).rank('the', 0, 3)).toBe(-1);
  });
});
