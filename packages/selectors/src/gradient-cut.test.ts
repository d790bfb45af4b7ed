import { describe, expect, it } from 'vitest';
import { gradientCut } from './gradient-cut.js';

const o = { minK: 1, maxK: 10, g: 2 };

describe('gradientCut (SAGE)', () => {
  it('cuts at a cliff', () => {
    // Gaps 0.1, 0.1, 5, 0.1…: mean gap over 8 scores is ~0.77, g=2 → threshold ~1.54; only the 5 exceeds it.
    const s = [9, 8.9, 8.8, 3.8, 3.7, 3.6, 3.5, 3.4];
    expect(gradientCut(s, o)).toMatchObject({ k: 3, window: 8 });
    expect(gradientCut(s, o).drop).toBeCloseTo(5);
  });
  it('keeps the whole window on a gradual slope', () => {
    const s = Array.from({ length: 15 }, (_, i) => 10 - i * 0.5);
    expect(gradientCut(s, o)).toMatchObject({ k: 10, window: 10 });
    expect(gradientCut(s, o).drop).toBeUndefined();
    // A lower g makes small wobbles count: with g < 1 an above-average gap is enough.
    const wobbly = [10, 9.5, 8.4, 8, 7.5, 7];
    expect(gradientCut(wobbly, { ...o, g: 1 }).k).toBe(2);
  });
  it('ties are never a drop; a flat list keeps the window', () => {
    expect(gradientCut([5, 5, 5, 5, 5], o)).toMatchObject({ k: 5 });
    expect(gradientCut([5, 5, 5, 1, 1, 1], o)).toMatchObject({ k: 3 });
  });
  it('never keeps fewer than minK, and fewer candidates than minK keeps them all', () => {
    const s = [9, 1, 0.9, 0.8, 0.7];
    expect(gradientCut(s, o).k).toBe(1);
    expect(gradientCut(s, { ...o, minK: 2 }).k).toBe(5); // the cliff is before minK; no later gap is sharp
    expect(gradientCut([3, 1], { ...o, minK: 3 })).toMatchObject({ k: 2, window: 2 });
    expect(gradientCut([], o).k).toBe(0);
  });
  it('maxK bounds the window; "sharpest" picks the largest sharp gap, "first" the earliest', () => {
    const s = [10, 7, 6.9, 6.8, 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
    expect(gradientCut(s, { ...o, g: 1.5 }).k).toBe(1);
    expect(gradientCut(s, { ...o, g: 1.5, mode: 'sharpest' }).k).toBe(4);
    expect(gradientCut(s, { ...o, maxK: 3 })).toMatchObject({ window: 3 });
  });
});
