import { describe, expect, it } from 'vitest';
import { generateNiah, iterateNiah, niahSampleCount } from './niah.js';

// Whitespace words stand in for real tokens: the generator only needs a consistent counter.
const words = { count: (t: string) => t.split(/\s+/).filter(Boolean).length };
const hay = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about nothing much. Another filler line ${i} here!`);

describe('generateNiah', () => {
  it('places one needle at the requested depth with an exact gold span', () => {
    const [s0] = generateNiah(hay, words, { lengths: [200], depths: [0], samples: 1 });
    const [s50] = generateNiah(hay, words, { lengths: [200], depths: [50], samples: 1 });
    const [s100] = generateNiah(hay, words, { lengths: [200], depths: [100], samples: 1 });
    for (const s of [s0!, s50!, s100!]) {
      expect(s.gold).toHaveLength(1);
      const g = s.gold[0]!;
      expect(s.document.text.slice(g.start, g.end)).toMatch(/^One of the special magic numbers for [a-z]+-[a-z]+ is: \d{7}\.$/);
      expect(s.document.text.slice(g.start, g.end)).toContain(s.answers[0]!);
      expect(s.tokens).toBeLessThanOrEqual(200);
      expect(s.tokens).toBeGreaterThan(180);
    }
    expect(s0!.gold[0]!.start).toBe(0);
    expect(s100!.gold[0]!.end).toBe(s100!.document.text.length);
    const rel = s50!.gold[0]!.start / s50!.document.text.length;
    expect(rel).toBeGreaterThan(0.4);
    expect(rel).toBeLessThan(0.6);
    expect(s50!.question).toContain('special magic number for');
  });
  it('is deterministic for a seed and varies with it', () => {
    const a = generateNiah(hay, words, { lengths: [120], depths: [25], samples: 2, seed: 7 });
    const b = generateNiah(hay, words, { lengths: [120], depths: [25], samples: 2, seed: 7 });
    const c = generateNiah(hay, words, { lengths: [120], depths: [25], samples: 2, seed: 8 });
    expect(a).toEqual(b);
    expect(a[0]!.document.text).not.toEqual(c[0]!.document.text);
  });
  it('multikey: one gold needle among distractors with other keys; multivalue: all values are gold', () => {
    const [mk] = generateNiah(hay, words, { lengths: [300], depths: [50], kind: 'multikey', needles: 4, samples: 1 });
    expect(mk!.gold).toHaveLength(1);
    expect(mk!.document.text.match(/special magic numbers for/g)).toHaveLength(4);
    const key = /for (\S+) mentioned/.exec(mk!.question)![1]!;
    expect(mk!.document.text.slice(mk!.gold[0]!.start, mk!.gold[0]!.end)).toContain(key);
    const [mv] = generateNiah(hay, words, { lengths: [300], depths: [0], kind: 'multivalue', needles: 3, samples: 1 });
    expect(mv!.gold).toHaveLength(3);
    expect(mv!.answers).toHaveLength(3);
    expect(mv!.question).toMatch(/What are all the special magic numbers/);
  });

  it('iterateNiah yields the same contexts lazily, and a context longer than the haystack repeats it', () => {
    const opts = { lengths: [150, 2000], depths: [0, 50], samples: 2, seed: 3 };
    const it = iterateNiah(hay, words, opts);
    const first = it.next().value!;
    expect(first).toEqual(generateNiah(hay, words, opts)[0]);
    expect([first, ...it]).toEqual(generateNiah(hay, words, opts));
    expect(niahSampleCount(opts)).toBe(8);
    // The haystack holds about 400 words; a 2000-word context reads it about five times, needle kept once.
    const long = generateNiah(hay, words, { lengths: [2000], depths: [50], samples: 1 })[0]!;
    expect(long.tokens).toBeGreaterThan(1900);
    expect(long.document.text.split('Sentence number 7 talks').length - 1).toBeGreaterThanOrEqual(4);
    expect(long.document.text.split('special magic number').length - 1).toBe(1);
  });
});
