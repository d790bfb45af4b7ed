import { describe, expect, it } from 'vitest';
import { TopK } from './top-k.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('TopK', () => {
  it('matches a full sort (score desc, row asc) on random input with many ties', () => {
    const rand = lcg(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = Math.floor(rand() * 200);
      const k = Math.floor(rand() * 20);
      const items = Array.from({ length: n }, (_, row) => ({ row, score: Math.floor(rand() * 10) / 2 }));
      const top = new TopK(k);
      for (const it of [...items].reverse()) top.push(it.row, it.score);
      const expected = [...items].sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
      expect(top.sorted()).toEqual(expected);
    }
  });

  it('k = 0 keeps nothing', () => {
    const top = new TopK(0);
    top.push(1, 5);
    expect(top.sorted()).toEqual([]);
  });
});
