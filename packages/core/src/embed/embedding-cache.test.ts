import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Embedder } from '../types.js';
import { CachedEmbedder } from './cached-embedder.js';
import { defaultEmbeddingCacheDir, EmbeddingCache } from './embedding-cache.js';

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
    await b.put(['y'], [vec('y')]);
    expect(new Set(readdirSync(dir).map((n) => n.split('-')[0]))).toEqual(new Set(['m_a', 'm_b']));
    await Promise.all([a.close(), b.close()]);
  });

  it('ignores a torn last record (a crashed writer) without cutting it, and writes to a segment of its own', async () => {
    const c = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
    await c.put(['a', 'b'], [vec('a'), vec('b')]);
    await c.close();
    const [first] = readdirSync(dir);
    appendFileSync(path.join(dir, first!), Buffer.alloc(10, 7)); // half a record
    const d = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
    expect(d.stats().entries).toBe(2);
    await d.put(['c'], [vec('c')]);
    expect(Array.from((await d.get(['c', 'a']))[0]!)).toEqual(Array.from(vec('c')));
    expect(statSync(path.join(dir, first!)).size).toBe(16 + 1 + 2 * (32 + 12) + 10);
    expect(readdirSync(dir)).toHaveLength(2);
    await d.close();
  });

  it('is safe with several writers on one folder: each writes its own segment, a later open sees all', async () => {
    const [a, b] = await Promise.all([EmbeddingCache.open({ dir, modelId: 'm', dim: 3 }), EmbeddingCache.open({ dir, modelId: 'm', dim: 3 })]);
    await Promise.all([a.put(['x', 'shared'], [vec('x'), vec('shared')]), b.put(['y', 'shared'], [vec('y'), vec('shared')])]);
    await Promise.all([a.close(), b.close()]);
    const c = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
    const got = await c.get(['x', 'y', 'shared']);
    expect(got.map((v) => v?.[0])).toEqual([1, 1, 6]);
    expect(c.stats()).toMatchObject({ entries: 3, segments: 2 });
    await c.close();
  });

  it('merges a model’s segments past 16 and keeps the folder under maxBytes by deleting the oldest files', async () => {
    for (let i = 0; i < 18; i++) {
      const w = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
      await w.put([`t${i}`], [vec(`t${i}`)]);
      await w.close();
    }
    // The 18th open merged the 17 segments before it; its own write made one more.
    const merged = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3 });
    expect(merged.stats()).toMatchObject({ entries: 18, segments: 2 });
    expect(readdirSync(dir)).toHaveLength(2);
    await merged.close();
    const old = await EmbeddingCache.open({ dir, modelId: 'other', dim: 3 });
    const zs = Array.from({ length: 12 }, (_, i) => `z${i}`);
    await old.put(zs, zs.map(vec));
    await old.close();
    // Make the other model's file the oldest, then bound the folder so that deleting it alone gets under 80%.
    const otherFile = path.join(dir, readdirSync(dir).find((n) => n.startsWith('other'))!);
    utimesSync(otherFile, new Date(0), new Date(0));
    const total = readdirSync(dir).reduce((a, n) => a + statSync(path.join(dir, n)).size, 0);
    const maxBytes = Math.ceil((total - statSync(otherFile).size) / 0.8);
    expect(maxBytes).toBeLessThan(total);
    const bounded = await EmbeddingCache.open({ dir, modelId: 'm', dim: 3, maxBytes });
    expect(readdirSync(dir).some((n) => n.startsWith('other'))).toBe(false);
    expect(bounded.stats().entries).toBe(18);
    await bounded.close();
  });

  it('lives in $SIFT_CACHE_DIR/embeddings, else $XDG_CACHE_HOME/sift/embeddings, else ~/.cache/sift/embeddings', () => {
    expect(defaultEmbeddingCacheDir({ SIFT_CACHE_DIR: '/c' })).toBe(path.join('/c', 'embeddings'));
    expect(defaultEmbeddingCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(path.join('/x', 'sift', 'embeddings'));
    expect(defaultEmbeddingCacheDir({})).toMatch(/\.cache[\\/]sift[\\/]embeddings$/);
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
    const said: string[] = [];
    const e = await CachedEmbedder.create({ embedder: inner, dir, info: (m) => said.push(m) });
    const first = await e.embed(['a', 'bb', 'a']);
    expect(inner.seen).toEqual([['a', 'bb']]);
    const second = await e.embed(['ccc', 'bb', 'a']);
    expect(inner.seen[1]).toEqual(['ccc']);
    expect(first.map((v) => v[0])).toEqual([1, 2, 1]);
    expect(second.map((v) => v[0])).toEqual([3, 2, 1]);
    // 6 lookups: a, bb, a miss; ccc miss, bb and a hit.
    expect(e.stats()).toMatchObject({ hits: 2, misses: 4, entries: 3 });
    expect(said).toEqual(['embedded 2 of 3 texts (0 cached)', 'embedded 1 of 3 texts (2 cached)']);
    await e.close();
    // A second process (here: a second cache on the folder) embeds nothing.
    const again = await CachedEmbedder.create({ embedder: countingEmbedder(), dir, info: (m) => said.push(m) });
    await again.embed(['a', 'bb', 'ccc']);
    expect(said.at(-1)).toBe('embedded 0 of 3 texts (3 cached)');
    await again.close();
  });
});
