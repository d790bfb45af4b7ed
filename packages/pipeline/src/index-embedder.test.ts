import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder, LateChunkingEmbedder } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { createPipeline } from './create-pipeline.js';
import { checkSameEmbedder, LateChunkVectors, noVectorsError, withLateChunking } from './index-embedder.js';

const embedder = (id: string, dim: number): Embedder => ({ id, dim, maxTokens: 8, embed: (t) => Promise.resolve(t.map(() => new Float32Array(dim))) });

describe('index embedder checks', () => {
  it('accepts the recorded embedder and names both when they differ', () => {
    expect(() => checkSameEmbedder('/x', { id: 'use-lite', dim: 512 }, embedder('use-lite', 512))).not.toThrow();
    expect(() => checkSameEmbedder('/x', { id: 'use-lite', dim: 512 }, embedder('mine', 512))).toThrow('index /x was built with embedder "use-lite" (dim 512), not "mine" (dim 512)');
  });
  it('accepts the plain encoder for an index built with late chunking (queries are embedded by it)', () => {
    expect(() => checkSameEmbedder('/x', { id: 'm2:mini:8192:norm:late', dim: 192 }, embedder('m2:mini:8192:norm', 192))).not.toThrow();
    expect(() => checkSameEmbedder('/x', { id: 'm2:mini:8192:norm', dim: 192 }, embedder('m2:other:8192:norm', 192))).toThrow(/was built with/);
  });
  it('says how to get vectors', () => {
    expect(noVectorsError('/x')).toMatchObject({ code: 'E_BAD_CONFIG', message: expect.stringMatching(/has no vectors .*--retriever bm25.*--embedder use-lite --rebuild/) });
  });
});

describe('late chunking', () => {
  /** Plain embed → [1, 0, 0]; embedSpans → [0, 1, spanIndex + 1] for documents with "fox", else [0, 0, 1]. */
  function spanEmbedder(calls: { embed: string[][]; spans: Array<{ text: string; spans: Array<{ start: number; end: number }> }> }): LateChunkingEmbedder {
    return {
      id: 'fake-m2',
      dim: 3,
      maxTokens: 64,
      embed: (texts) => (calls.embed.push(texts), Promise.resolve(texts.map(() => Float32Array.of(1, 0, 0)))),
      embedSpans: (text, spans) => {
        calls.spans.push({ text, spans: [...spans] });
        return Promise.resolve(spans.map((_, i) => (text.includes('fox') ? Float32Array.of(0, 1, i + 1) : Float32Array.of(0, 0, 1))));
      },
    };
  }

  it('rejects an embedder that cannot pool spans, naming the key', () => {
    expect(() => withLateChunking(embedder('use-lite', 512), true, 'memory')).toThrow(/lateChunking needs an embedder/);
    expect(withLateChunking(embedder('use-lite', 512), false, 'memory').id).toBe('use-lite');
  });

  it('a pipeline with lateChunking embeds each document once through embedSpans and stores those chunk vectors', async () => {
    const calls = { embed: [] as string[][], spans: [] as Array<{ text: string; spans: Array<{ start: number; end: number }> }> };
    const fake = spanEmbedder(calls);
    await using p = await createPipeline({ index: ':memory:', retriever: 'dense', chunker: 'sentence', size: 8, overlap: 0, lateChunking: true, embedder: fake });
    await p.index([
      { id: 'a', text: 'The quick brown fox jumps over the lazy dog. It runs away into the green wood.', metadata: {} },
      { id: 'b', text: 'Sphinx of black quartz, judge my vow. The vow was kept.', metadata: {} },
    ]);
    expect(calls.spans.map((c) => c.text.slice(0, 9))).toEqual(['The quick', 'Sphinx of']);
    for (const c of calls.spans) for (const s of c.spans) expect(s.end).toBeGreaterThan(s.start);
    const q = await p.query('anything');
    // Chunk texts never reached the plain embed (only the query did); scores are dot products with [1, 0, 0] → 0,
    // so compare the stored vectors through a second query path: every retrieved chunk exists and the query embedded once.
    expect(calls.embed).toEqual([['anything']]);
    expect(q.chunks.length).toBeGreaterThan(0);
    const info = await p.describe();
    expect(JSON.stringify(info)).toContain('fake-m2');
  });

  it('an on-disk index built with lateChunking records <id>:late and answers queries in a later pipeline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-late-'));
    try {
      const calls = { embed: [] as string[][], spans: [] as Array<{ text: string; spans: Array<{ start: number; end: number }> }> };
      const config = { index: join(dir, '.sift'), retriever: 'dense', chunker: 'sentence', size: 8, overlap: 0, lateChunking: true } as const;
      {
        await using p = await createPipeline({ ...config, embedder: spanEmbedder(calls) });
        await p.index([{ id: 'a', text: 'The quick brown fox jumps over the lazy dog. It runs away into the green wood.', metadata: {} }]);
      }
      expect(calls.spans).toHaveLength(1);
      expect(calls.embed).toEqual([]);
      await using again = await createPipeline({ ...config, embedder: spanEmbedder(calls) });
      expect(JSON.stringify(await again.stats())).toContain('fake-m2:late');
      const q = await again.query('fox');
      expect(q.chunks.map((c) => c.docId)).toContain('a');
      expect(calls.embed).toEqual([['fox']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves a repeated text its vectors in turn: round-robin for memory stores, once for disk stores', async () => {
    const inner = spanEmbedder({ embed: [], spans: [] });
    for (const keep of [true, false]) {
      const late = new LateChunkVectors(inner, keep);
      late.offer(['x', 'y', 'x'], [Float32Array.of(0, 1, 1), Float32Array.of(0, 1, 2), Float32Array.of(0, 1, 3)]);
      const first = await late.embed(['x', 'y', 'x', 'query']);
      expect(first.map((v) => Array.from(v))).toEqual([[0, 1, 1], [0, 1, 2], [0, 1, 3], [1, 0, 0]]);
      const again = await late.embed(['x', 'y', 'x']);
      expect(again.map((v) => Array.from(v))).toEqual(keep ? [[0, 1, 1], [0, 1, 2], [0, 1, 3]] : [[1, 0, 0], [1, 0, 0], [1, 0, 0]]);
      expect(late.id).toBe('fake-m2:late');
    }
  });
});
