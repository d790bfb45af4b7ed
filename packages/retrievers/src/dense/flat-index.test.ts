import { describe, expect, it } from 'vitest';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';
import { FlatIndex } from './flat-index.js';

describe('FlatIndex', () => {
  const vecs = randomVectors(200, 12, 3);
  const ids = vecs.map((_, i) => `c${i}`);

  it('returns the exact cosine top-k', () => {
    const f = new FlatIndex(12, 'cosine', 4);
    f.add(ids, vecs);
    for (const q of randomVectors(10, 12, 4)) {
      expect(f.search(q, 10).map((h) => h.id)).toEqual(exactTopK(vecs, q, 10).map((i) => `c${i}`));
    }
    expect(f.search(vecs[5]!, 1)[0]?.score).toBeCloseTo(1, 5);
  });

  it('removes by swapping the last row in, replaces on re-add, and filters', () => {
    const f = new FlatIndex(12);
    f.add(ids, vecs);
    expect(f.remove(['c0', 'zzz'])).toBe(1);
    expect(f.size).toBe(199);
    const q = vecs[0]!;
    expect(f.search(q, 10).map((h) => h.id)).toEqual(exactTopK(vecs, q, 10, new Set([0])).map((i) => `c${i}`));
    expect(f.search(vecs[199]!, 1)[0]?.id).toBe('c199'); // moved row still found
    f.add(['c5'], [vecs[9]!]);
    expect(f.size).toBe(199);
    expect(f.search(vecs[9]!, 2).map((h) => h.id).sort()).toEqual(['c5', 'c9']);
    expect(f.search(q, 3, { filter: (id) => id.endsWith('1') }).every((h) => h.id.endsWith('1'))).toBe(true);
  });

  it('inner product keeps magnitudes', () => {
    const f = new FlatIndex(2, 'ip');
    f.add(['a', 'b'], [Float32Array.of(1, 0), Float32Array.of(3, 0)]);
    expect(f.search(Float32Array.of(2, 0), 2)).toEqual([
      { id: 'b', score: 6 },
      { id: 'a', score: 2 },
    ]);
  });
});
