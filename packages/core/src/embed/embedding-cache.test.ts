import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Embedder } from '../types.js';
import { CachedEmbedder } from './cached-embedder.js';
import { EmbeddingCache } from './embedding-cache.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const vec = (t: string) => Float32Array.from([t.length, t.charCodeAt(0) / 7, -1.5]);

function countingEmbedder(id = 'fake@1'): Embedder & { seen: string[][] } {
  const seen: string[][] = [];
  return {
    id,
    dim: 3,
    maxTokens: 16,
    seen,
    embed: async (texts) => {
      seen.push([...texts]);
      return texts.map(vec);
    },
  };
}

describe('EmbeddingCache', () => {
  it('stores, reloads from disk, and counts hits', async () => {
    const c = await EmbeddingCache.open({ dir, modelId: 'm/a', dim: 3 });
    await c.put(['x', 'hello'], [vec('x'), vec('hello')]);
    await c.close();
    await c.close(); // idempotent
    const d = await EmbeddingCache.open({ dir, modelId: 'm/a', dim: 3 });
    const got = await d.get(['hello', 'nope', 'x']);
    expect(Array.from(got[0]!)).toEqual(Array.from(vec('hello')));
    expect(got[1]).toBeUndefined();
    expect(Array.from(got[2]!)).toEqual(Array.from(vec('x')));
    expect(d.stats()).toMatchObject({ hits: 2, misses: 1, entries: 2 });
    expect(d.stats().hitRate).toBeCloseTo(2 / 3, 12);
    await d.close();
    await expect(d.get(['x'])).rejects.toThrow(/closed/);
  });

  it('keeps one file per model and refuses a file of another model', async () => {
    const a = await EmbeddingCache.open({ dir, modelId: 'm/a', dim: 3 });
    const b = await EmbeddingCache.open({ dir, modelId: 'm/b', dim: 3 });
    await a.put(['x'], [vec('x')]);
    expect((await b.get(['x']))[0]).toBeUndefined();
    expect(readdirSync(dir)).toHaveLength(2);
    await Promise.all([a.close(), b.close()]);
  });

  it('cuts a torn last record and keeps the whole ones', async () => {
    const c = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
    await c.put(['a', 'b'], [vec('a'), vec('b')]);
    await c.close();
    appendFileSync(c.file, Buffer.alloc(10, 7)); // half a record
    const d = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
    expect(d.stats().entries).toBe(2);
    await d.put(['c'], [vec('c')]);
    expect(Array.from((await d.get(['c']))[0]!)).toEqual(Array.from(vec('c')));
    expect(statSync(d.file).size).toBe(16 + 1 + 3 * (32 + 12));
    await d.close();
  });

  it('rejects vectors of the wrong size', async () => {
    const c = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
    await expect(c.put(['a'], [new Float32Array(2)])).rejects.toThrow(/length 2, expected 3/);
    await c.close();
  });
});

describe('CachedEmbedder', () => {
  it('embeds only misses, once per distinct text, and returns input order', async () => {
    const inner = countingEmbedder();
    const e = await CachedEmbedder.create({ embedder: inner, dir });
    const first = await e.embed(['a', 'bb', 'a']);
    expect(inner.seen).toEqual([['a', 'bb']]);
    const second = await e.embed(['ccc', 'bb', 'a']);
    expect(inner.seen[1]).toEqual(['ccc']);
    expect(first.map((v) => v[0])).toEqual([1, 2, 1]);
    expect(second.map((v) => v[0])).toEqual([3, 2, 1]);
    // 6 lookups: a, bb, a miss; ccc miss, bb and a hit.
    expect(e.stats()).toMatchObject({ hits: 2, misses: 4, entries: 3 });
    await e.close();
  });
});
