import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SiftError } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';
import { HNSW_LABELS_FILE, HnswIndex } from './hnsw-index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-hnsw-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DIM = 16;
const vecs = randomVectors(300, DIM, 1);
const ids = vecs.map((_, i) => `c${i}`);
const queries = randomVectors(20, DIM, 2);

function recallAt10(index: HnswIndex, skip: Set<number> = new Set()): number {
  let hit = 0;
  for (const q of queries) {
    const truth = new Set(exactTopK(vecs, q, 10, skip).map((i) => `c${i}`));
    hit += index.search(q, 10).filter((h) => truth.has(h.id)).length;
  }
  return hit / (10 * queries.length);
}

describe('HnswIndex', () => {
  it('grows from a tiny capacity by doubling and finds the exact neighbours on a small set', () => {
    const index = HnswIndex.create(DIM, { initialCapacity: 2, ef: 100 });
    for (let i = 0; i < vecs.length; i += 50) index.add(ids.slice(i, i + 50), vecs.slice(i, i + 50));
    expect(index.size).toBe(300);
    expect(index.capacity).toBe(512);
    expect(recallAt10(index)).toBeGreaterThanOrEqual(0.99);
    const [top] = index.search(vecs[7]!, 1);
    expect(top?.id).toBe('c7');
    expect(top?.score).toBeCloseTo(1, 5); // cosine similarity, not distance
  });

  it('raises ef to k so that k results come back', () => {
    const index = HnswIndex.create(DIM, { ef: 1 });
    index.add(ids, vecs);
    expect(index.search(queries[0]!, 50)).toHaveLength(50);
    expect(index.search(queries[0]!, 1000)).toHaveLength(300); // k above the size: everything
    expect(index.search(queries[0]!, 0)).toEqual([]);
  });

  it('deletes with markDelete, and re-adding an id replaces its vector', () => {
    const index = HnswIndex.create(DIM, { ef: 100 });
    index.add(ids, vecs);
    expect(index.remove(['c7', 'c7', 'nope'])).toBe(1);
    expect(index.has('c7')).toBe(false);
    expect(index.size).toBe(299);
    expect(index.search(vecs[7]!, 10).map((h) => h.id)).not.toContain('c7');
    expect(recallAt10(index, new Set([7]))).toBeGreaterThanOrEqual(0.99);
    index.add(['c7'], [vecs[8]!]);
    expect(index.has('c7')).toBe(true);
    const top2 = index.search(vecs[8]!, 2).map((h) => h.id).sort();
    expect(top2).toEqual(['c7', 'c8']);
  });

  it('applies a filter, and a throwing filter fails the search instead of the process', () => {
    const index = HnswIndex.create(DIM);
    index.add(ids, vecs);
    const even = index.search(queries[1]!, 5, { filter: (id) => Number(id.slice(1)) % 2 === 0 });
    expect(even).toHaveLength(5);
    expect(even.every((h) => Number(h.id.slice(1)) % 2 === 0)).toBe(true);
    const err = (() => {
      try {
        index.search(queries[1]!, 5, { filter: () => { throw new Error('bad filter'); } });
      } catch (e) {
        return e;
      }
    })();
    expect(SiftError.isInstance(err) && err.code).toBe('E_BAD_INPUT');
    expect((err as Error).message).toContain('bad filter');
    expect(index.search(queries[1]!, 3)).toHaveLength(3); // still usable
  });

  it('inner-product space scores by the dot product', () => {
    const index = HnswIndex.create(2, { space: 'ip' });
    index.add(['a', 'b'], [Float32Array.of(1, 0), Float32Array.of(2, 0)]);
    expect(index.search(Float32Array.of(1, 0), 2)).toEqual([
      { id: 'b', score: 2 },
      { id: 'a', score: 1 },
    ]);
  });

  it('saves and loads hnsw.bin with its label map, deletions included', async () => {
    const index = HnswIndex.create(DIM, { ef: 80, m: 8 });
    index.add(ids, vecs);
    index.remove(['c3']);
    await index.save(dir);
    const back = await HnswIndex.load(dir);
    expect(back.size).toBe(299);
    expect(back.options).toMatchObject({ ef: 80, m: 8, space: 'cosine' });
    expect(back.has('c3')).toBe(false);
    for (const q of queries.slice(0, 5)) expect(back.search(q, 10)).toEqual(index.search(q, 10));
    back.add(['new'], [vecs[0]!]);
    expect(back.size).toBe(300);
    expect((await HnswIndex.load(dir, { ef: 5 })).options.ef).toBe(5);
  });

  it('names a missing or corrupt index', async () => {
    await expect(HnswIndex.load(dir)).rejects.toMatchObject({ code: 'E_INDEX_MISSING' });
    const index = HnswIndex.create(DIM);
    index.add(ids.slice(0, 3), vecs.slice(0, 3));
    await index.save(dir);
    writeFileSync(path.join(dir, HNSW_LABELS_FILE), '{"version": 99}');
    await expect(HnswIndex.load(dir)).rejects.toMatchObject({ code: 'E_INDEX_CORRUPT' });
  });

  it('rejects bad options and vectors', () => {
    expect(() => HnswIndex.create(DIM, { m: 1 })).toThrow(/Invalid HNSW options/);
    // @ts-expect-error: unknown option
    expect(() => HnswIndex.create(DIM, { efSearch: 10 })).toThrow(/efSearch/);
    const index = HnswIndex.create(DIM);
    expect(() => index.add(['x'], [new Float32Array(3)])).toThrow(/length 3, expected 16/);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(/expected 16/);
  });
});
