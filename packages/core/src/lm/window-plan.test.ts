import { describe, expect, it } from 'vitest';
import { planWindows } from './window-plan.js';

describe('planWindows', () => {
  it('scores every position exactly once, within the window, with at least window - stride context', () => {
    for (const [n, w, s] of [
      [1, 4, 2],
      [4, 4, 2],
      [5, 4, 2],
      [1000, 128, 64],
      [1001, 128, 100],
      [37, 8, 8],
      [37, 8, 1],
    ] as const) {
      const passes = planWindows(n, w, s);
      const seen = new Array<number>(n).fill(0);
      for (const p of passes) {
        expect(p.end - p.contextStart).toBeLessThanOrEqual(w);
        expect(p.contextStart).toBeGreaterThanOrEqual(0);
        for (let i = p.scoreStart; i < p.end; i++) {
          seen[i]!++;
          if (i >= w) expect(i - p.contextStart).toBeGreaterThanOrEqual(w - s);
        }
      }
      expect(seen.every((c) => c === 1)).toBe(true);
    }
  });

  it('uses one pass when the text fits the window', () => {
    expect(planWindows(10, 16, 8)).toEqual([{ contextStart: 0, scoreStart: 0, end: 10 }]);
    expect(planWindows(0, 16, 8)).toEqual([]);
  });

  it('rejects a bad window or stride', () => {
    expect(() => planWindows(10, 1, 1)).toThrow(/window/);
    expect(() => planWindows(10, 8, 9)).toThrow(/stride/);
    expect(() => planWindows(10, 8, 0)).toThrow(/stride/);
  });
});
