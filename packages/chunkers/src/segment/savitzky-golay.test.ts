import { describe, expect, it } from 'vitest';
import { savitzkyGolay } from './savitzky-golay.js';

describe('savitzkyGolay', () => {
  it('reproduces any polynomial up to its order exactly, edges included (SciPy interp mode)', () => {
    const y = Array.from({ length: 12 }, (_, i) => 0.5 * i ** 3 - 2 * i ** 2 + i - 3);
    const s = savitzkyGolay(y, 5, 3);
    s.forEach((v, i) => expect(v).toBeCloseTo(y[i]!, 8));
  });
  it('matches the classic 5-point quadratic coefficients (−3, 12, 17, 12, −3)/35 in the interior', () => {
    const y = [0, 0, 0, 0, 35, 0, 0, 0, 0];
    const s = savitzkyGolay(y, 5, 2);
    expect(s[4]).toBeCloseTo(17, 10);
    expect(s[3]).toBeCloseTo(12, 10);
    expect(s[2]).toBeCloseTo(-3, 10);
  });
  it('handles signals shorter than the window', () => {
    expect(Array.from(savitzkyGolay([1, 2], 5, 3))).toEqual([1, 2]);
    expect(Array.from(savitzkyGolay([], 5, 3))).toEqual([]);
    expect(savitzkyGolay([1, 2, 3], 5, 3)[1]).toBeCloseTo(2, 10);
  });
});
