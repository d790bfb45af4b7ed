import { describe, expect, it } from 'vitest';
import { nltkSmooth, nltkWords, TextTilingSegmenter } from './texttiling.js';

// A long two-topic text: TextTiling needs many pseudo-sentences (20 words each) to say anything.
const cooking = 'The chef chopped onions garlic basil tomatoes peppers carrots celery for the soup stock while the oven baked bread loaves crust flour butter yeast dough.';
const space = 'Astronomers pointed telescopes at galaxies nebulae quasars pulsars comets asteroids planets moons orbits stars supernova radiation spectra cosmos gravity.';
const doc = [...Array(20).fill(cooking), ...Array(20).fill(space)];

describe('nltkWords', () => {
  it('lowercases, drops characters outside [a-z\'- \\n\\t] and splits on - \' and whitespace', () => {
    expect(nltkWords("U.S. labor-management don't 1960s").map((t) => t.word)).toEqual(['us', 'labor', 'management', 'don', 't', 's']);
    expect(nltkWords('ab cd').map((t) => t.start)).toEqual([0, 3]);
  });
});

describe('nltkSmooth', () => {
  it('matches NLTK/SciPy-cookbook flat smoothing with its reflect padding (window 3)', () => {
    const x = Float64Array.from([1, 2, 4, 8, 16]);
    // s = [2·1−8, 2·1−4, 1, 2, 4, 8, 16, 2·16−16, 2·16−8]; out[t] = mean(s[t+1..t+3])
    expect(Array.from(nltkSmooth(x, 3))).toEqual([(-2 + 1 + 2) / 3, (1 + 2 + 4) / 3, (2 + 4 + 8) / 3, (4 + 8 + 16) / 3, (8 + 16 + 16) / 3]);
  });
  it('leaves curves no longer than the window alone', () => {
    expect(Array.from(nltkSmooth(Float64Array.from([1, 2, 3]), 3))).toEqual([1, 2, 3]);
  });
});

describe('TextTilingSegmenter.segment', () => {
  it('puts the one boundary of two obvious topics at the topic change (within a sentence)', async () => {
    const b = await new TextTilingSegmenter({ gapPosition: 'offset' }).segment(doc, { k: 2 });
    expect(b).toHaveLength(1);
    expect(Math.abs(b[0]! - 20)).toBeLessThanOrEqual(1);
  });
  it('finds the topic change without k among its boundaries', async () => {
    const b = await new TextTilingSegmenter({ gapPosition: 'offset' }).segment(doc);
    expect(b.some((x) => Math.abs(x - 20) <= 1)).toBe(true);
  });
  it('finds no boundary in one topic once a depth floor is set (NLTK\'s relative cutoff alone always finds some)', async () => {
    expect(await new TextTilingSegmenter({ minDepth: 0.05 }).segment(Array(30).fill(cooking))).toEqual([]);
    // Sentences of exactly w words give identical blocks, hence zero depth everywhere: none even without a floor.
    expect(await new TextTilingSegmenter().segment(Array(30).fill(cooking.split(' ').slice(0, 20).join(' ')))).toEqual([]);
  });
  it('does not crash on fewer words than one block', async () => {
    expect(await new TextTilingSegmenter().segment(['Short.', 'Tiny text.'])).toEqual([]);
    expect(await new TextTilingSegmenter().segment([])).toEqual([]);
  });
  it('returns exactly k−1 boundaries when k is known', async () => {
    for (const k of [1, 3, 6]) expect(await new TextTilingSegmenter().segment(doc, { k })).toHaveLength(k - 1);
  });
  it('rejects bad options and a bad k with coded errors', async () => {
    expect(() => new TextTilingSegmenter({ w: 0 })).toThrow(/texttiling options/);
    await expect(new TextTilingSegmenter().segment(['a', 'b'], { k: 5 })).rejects.toMatchObject({ code: 'E_BAD_INPUT' });
  });
});
