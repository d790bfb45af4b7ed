import { describe, expect, it } from 'vitest';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';
import { EF_LADDER, tuneEf } from './hnsw-ef-tune.js';
import { HnswIndex } from './hnsw-index.js';

const DIM = 32;
const N = 2000;
const vecs = randomVectors(N, DIM, 11);
const ids = vecs.map((_, i) => `c${i}`);
// A low-connectivity graph on random vectors (no low-dimensional structure), so small ef misses neighbours.
const graph = HnswIndex.create(DIM, { m: 4, efConstruction: 16, initialCapacity: N });
graph.add(ids, vecs);

/** recall@10 on fresh queries (not in the graph) at `ef`, against exact search. */
function heldOutRecall(ef: number): number {
  let hit = 0;
  const queries = randomVectors(100, DIM, 12);
  for (const q of queries) {
    const truth = new Set(exactTopK(vecs, q, 10).map((i) => `c${i}`));
    hit += graph.search(q, 10, { ef }).filter((h) => truth.has(h.id)).length;
  }
  return hit / (10 * queries.length);
}

describe('tuneEf', () => {
  it('picks the smallest ladder ef whose sample recall@10 reaches the target, and that ef holds on fresh queries', () => {
    const t = tuneEf(graph, { target: 0.95, maxSample: 150 });
    expect(t.recall).toBeGreaterThanOrEqual(0.95);
    expect(t.sample).toBe(150);
    const i = EF_LADDER.indexOf(t.ef);
    expect(i).toBeGreaterThan(0); // this graph needs more than the smallest ef
    const below = tuneEf(graph, { target: t.recall + 1e-9, maxSample: 150 });
    expect(below.ef).toBeGreaterThan(t.ef); // a higher target needs a larger ef: the choice is not just the ladder's top
    expect(heldOutRecall(t.ef)).toBeGreaterThanOrEqual(0.9);
    expect(heldOutRecall(EF_LADDER[0]!)).toBeLessThan(heldOutRecall(t.ef));
  });

  it('is deterministic for a seed and needs no search on a graph of one vector', () => {
    expect(tuneEf(graph, { target: 0.9, maxSample: 50, seed: 3 })).toEqual(tuneEf(graph, { target: 0.9, maxSample: 50, seed: 3 }));
    const one = HnswIndex.create(DIM);
    one.add(['a'], [vecs[0]!]);
    expect(tuneEf(one, { target: 0.95 })).toMatchObject({ recall: 1, sample: 0 });
  });

  it('useEf makes the chosen ef the default that save/load keeps, still overridable per query', async () => {
    const g = HnswIndex.create(DIM, { ef: 3200 });
    g.add(ids.slice(0, 200), vecs.slice(0, 200));
    g.useEf(48);
    expect(g.options.ef).toBe(48);
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-eftune-'));
    try {
      await g.save(dir);
      const back = await HnswIndex.load(dir);
      expect(back.options.ef).toBe(48);
      expect((await HnswIndex.load(dir, { ef: 500 })).options.ef).toBe(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
