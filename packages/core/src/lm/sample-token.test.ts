import { describe, expect, it } from 'vitest';
import { sampleToken, seededRandom } from './sample-token.js';

describe('sampleToken', () => {
  const logits = new Float32Array([0, 1, 3, 2, /* row 1 */ 5, 0, 0, 0]);

  it('takes the argmax at temperature 0', () => {
    expect(sampleToken(logits, 0, 4, 0, seededRandom(1))).toBe(2);
    expect(sampleToken(logits, 1, 4, 0, seededRandom(1))).toBe(0);
  });

  it('draws in proportion to softmax(logits / T), reproducibly for a seed', () => {
    const r = seededRandom(42);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampleToken(logits, 0, 4, 1, r)]!++;
    const z = [0, 1, 3, 2].reduce((s, x) => s + Math.exp(x), 0);
    [0, 1, 3, 2].forEach((x, v) => expect(counts[v]! / 20000).toBeCloseTo(Math.exp(x) / z, 1));
    const draw = (seed: number) => {
      const rr = seededRandom(seed);
      return Array.from({ length: 20 }, () => sampleToken(logits, 0, 4, 1.5, rr));
    };
    const a = draw(7);
    const b = draw(7);
    expect(a).toEqual(b);
  });
});
