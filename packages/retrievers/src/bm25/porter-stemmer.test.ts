import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stemmer } from 'stemmer';
import { describe, expect, it } from 'vitest';
import { porterStem } from './porter-stemmer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Lowercased words of the Moby-Dick and State of the Union texts (dev dependencies of the workspace). */
function corpusWords(): string[] {
  const words = new Set<string>();
  for (const pkg of ['datasets-moby-dick', 'datasets-sotu']) {
    const dir = path.join(root, 'node_modules', '@stdlib', pkg, 'data');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt'))) {
      for (const w of readFileSync(path.join(dir, f), 'utf8').toLowerCase().match(/[\p{L}\p{M}\p{N}']+/gu) ?? []) words.add(w);
    }
  }
  return [...words];
}

describe('porterStem', () => {
  it("gives the stemmer package's stem for every word of Moby-Dick and the State of the Union addresses", () => {
    const words = corpusWords();
    expect(words.length).toBeGreaterThan(30_000);
    const wrong = words.filter((w) => porterStem(w) !== stemmer(w));
    expect(wrong).toEqual([]);
  });

  it("gives the stemmer package's stem for random words built from the rules' suffixes", () => {
    // Letters that decide the rules (vowels, y, the doubled and w/x/y exceptions), an apostrophe, a digit and a
    // non-ASCII letter, then 0–2 suffixes the steps look for.
    const letter = fc.constantFrom(...'aeiouybcdlmnrstvwxz'.split(''), "'", '7', 'é', 'Y');
    const suffix = fc.constantFrom(
      ...'sses ies s eed ed ing at bl iz y ational tional enci anci izer bli alli entli eli ousli ization ation ator alism iveness fulness ousness aliti iviti biliti logi icate ative alize iciti ical ful ness al ance ence er ic able ible ant ement ment ent ou ism ate iti ous ive ize sion tion e ll'.split(
        ' ',
      ),
    );
    fc.assert(
      fc.property(fc.array(letter, { minLength: 0, maxLength: 7 }), fc.array(suffix, { maxLength: 2 }), (stem, sfx) => {
        const w = stem.join('') + sfx.join('');
        expect(porterStem(w)).toBe(stemmer(w));
      }),
      { seed: 11, numRuns: 20_000 },
    );
  });

  it("follows Porter's paper on its examples", () => {
    const cases: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      cats: 'cat',
      feed: 'feed',
      agreed: 'agre',
      plastered: 'plaster',
      motoring: 'motor',
      hopping: 'hop',
      filing: 'file',
      happy: 'happi',
      relational: 'relat',
      generalization: 'gener',
      adoption: 'adopt',
      controll: 'control',
      yelling: 'yell',
      by: 'by',
    };
    for (const [w, s] of Object.entries(cases)) expect(porterStem(w)).toBe(s);
  });
});
