import { mkdtemp, rm, writeFile, mkdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder, Reranker, ScoredChunk } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline } from './create-pipeline.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-pipeline-'));
  await mkdir(join(dir, 'docs'));
  await writeFile(join(dir, 'docs', 'cats.txt'), 'Cats purr when they are content. A cat sleeps most of the day in the sun.');
  await writeFile(join(dir, 'docs', 'dogs.txt'), 'Dogs bark at the mail carrier. A dog wags its tail when happy.');
  await writeFile(join(dir, 'docs', 'fish.md'), '# Fish\n\nFish swim in schools. Some cats watch fish in a bowl.');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const docs = [
  { id: 'a', text: 'The quick brown fox jumps over the lazy dog.', metadata: {} },
  { id: 'b', text: 'Sphinx of black quartz, judge my vow.', metadata: {} },
  { id: 'c', text: 'A lazy afternoon: the dog sleeps and the fox watches.', metadata: {} },
];

describe('createPipeline', () => {
  it('indexes a folder on disk and queries it with the defaults (bm25, recursive, top 10)', async () => {
    await using p = await createPipeline({ index: join(dir, '.sift') });
    const r = await p.index(join(dir, 'docs'));
    expect(r).toMatchObject({ added: 3, replaced: 0, skipped: 0, removed: 0 });
    const q = await p.query('why do cats purr');
    expect(q.chunks[0]!.docId).toBe('cats.txt');
    expect(q.selection).toMatchObject({ name: 'topk', budget: null });
    expect(q.tokens).toBe(q.chunks.reduce((s, c) => s + c.tokenCount, 0));
    expect(q.timings.totalMs).toBeGreaterThanOrEqual(q.timings.retrieveMs);
    expect(await p.describe()).toMatchObject({ chunker: { chunker: 'recursive', size: 512 }, retriever: { retriever: 'bm25' }, k: 10 });
  });

  it('keeps the index between pipelines, skips unchanged documents, and syncs away deleted files', async () => {
    const index = join(dir, '.sift');
    {
      await using p = await createPipeline({ index });
      await p.index([join(dir, 'docs')]);
    }
    await unlink(join(dir, 'docs', 'dogs.txt'));
    await using p = await createPipeline({ index });
    const r = await p.index([join(dir, 'docs')], { sync: true });
    expect(r).toMatchObject({ added: 0, skipped: 2, removed: 1 });
    expect((await p.stats()).documents).toBe(2);
    const q = await p.query('dog bark mail carrier');
    expect(q.chunks.map((c) => c.docId)).not.toContain('dogs.txt');
  });

  it('refuses a different chunker config on an existing index unless rebuilding', async () => {
    const index = join(dir, '.sift');
    {
      await using p = await createPipeline({ index, chunker: 'sentence', size: 64 });
      await p.index(join(dir, 'docs'));
    }
    await using other = await createPipeline({ index, size: 32 });
    await expect(other.index(join(dir, 'docs'))).rejects.toMatchObject({ code: 'E_BAD_CONFIG', message: expect.stringMatching(/was built with chunker sentence \(size 64/) });
    const r = await other.index(join(dir, 'docs'), { rebuild: true });
    expect(r.added).toBe(3);
    // A rebuild starts from the config alone: the old index's chunker is not inherited.
    expect(await other.describe()).toMatchObject({ chunker: { chunker: 'recursive', size: 32 } });
  });

  it('selects under a token budget, and removes documents by id (in memory)', async () => {
    await using p = await createPipeline({ index: ':memory:', chunker: 'none' });
    await p.index(docs);
    const all = await p.query('lazy dog fox', { k: 3 });
    expect(all.chunks.map((c) => c.id).sort()).toEqual(['a', 'c']);
    const [best, second] = all.chunks;
    const budget = best!.tokenCount;
    const sel = await p.query('lazy dog fox', { k: 3, budget });
    expect(sel.selection).toMatchObject({ name: 'budget', budget, tokens: budget });
    expect(sel.chunks.map((c) => c.id)).toEqual([best!.id]);
    expect(await p.remove([best!.id, 'zzz'])).toBe(1);
    expect((await p.query('lazy dog fox')).chunks.map((c) => c.id)).toEqual([second!.id]);
  });

  it('takes a user embedder object and a reranker', async () => {
    // Bag-of-letters vectors: deterministic, and enough for "fox" to land nearest the fox sentences.
    const embedder: Embedder = {
      id: 'letters',
      dim: 26,
      maxTokens: 512,
      embed: (texts) =>
        Promise.resolve(
          texts.map((t) => {
            const v = new Float32Array(26);
            for (const ch of t.toLowerCase()) if (ch >= 'a' && ch <= 'z') v[ch.charCodeAt(0) - 97]! += 1;
            return v;
          }),
        ),
    };
    const reranker: Reranker = { id: 'shortest', score: (_q, texts) => Promise.resolve(Float32Array.from(texts, (t) => -t.length)) };
    await using p = await createPipeline({ index: join(dir, 'idx'), chunker: 'none', embedder, retriever: 'dense', reranker });
    await p.index(docs);
    expect((await p.stats()).embedder).toEqual({ id: 'letters', dim: 26 });
    const q = await p.query('fox', { k: 3 });
    expect(q.chunks.map((c) => c.text.length)).toEqual([...q.chunks.map((c) => c.text.length)].sort((a, b) => a - b));
    expect(q.chunks[0]!.explain).toMatchObject({ retrievalRank: expect.any(Number) });
  });

  it('takes a user Retriever and Selector object in place of their specs, and a reranker by name', async () => {
    const retriever = {
      name: 'reverse-alphabetical',
      retrieve: (_q: string, k: number) =>
        Promise.resolve(
          docs
            .map((d, i) => ({ id: d.id, docId: d.id, text: d.text, start: 0, end: d.text.length, tokenCount: 5, metadata: {}, score: 10 - i }))
            .sort((a, b) => (a.id < b.id ? 1 : -1))
            .slice(0, k),
        ),
    };
    const firstTwo = { name: 'first-two', select: (_q: string, c: ScoredChunk[]) => Promise.resolve({ chunks: c.slice(0, 2), tokens: 10 }) };
    await using p = await createPipeline({ index: ':memory:', retriever, selector: firstTwo });
    const q = await p.query('anything', { k: 3 });
    expect(q.chunks.map((c) => c.id)).toEqual(['c', 'b']);
    expect(q.selection).toEqual({ name: 'first-two', budget: null, tokens: 10 });
    expect(await p.describe()).toMatchObject({ retriever: { name: 'reverse-alphabetical' }, selector: 'first-two' });

    await using r = await createPipeline({ index: ':memory:', chunker: 'none', reranker: 'bm25' });
    await r.index(docs);
    const ranked = await r.query('quartz sphinx', { k: 3 });
    expect(ranked.chunks[0]!.id).toBe('b');
    expect(ranked.chunks[0]!.explain).toMatchObject({ retrievalRank: expect.any(Number) });
  });

  it('names bad config keys', async () => {
    await expect(createPipeline({ chunkr: 'token' } as never)).rejects.toMatchObject({ code: 'E_BAD_CONFIG', message: 'createPipeline config: unknown key "chunkr" (did you mean "chunker"?)' });
    await expect(createPipeline({ retriever: 'bm52' })).rejects.toMatchObject({ message: expect.stringMatching(/key "retriever": unknown retriever "bm52"/) });
    await expect(createPipeline({ index: join(dir, 'none') }).then((p) => p.query('x'))).rejects.toMatchObject({ code: 'E_INDEX_MISSING' });
    await writeFile(join(dir, 'a-file.txt'), 'not an index');
    await expect(createPipeline({ index: join(dir, 'a-file.txt') }).then((p) => p.query('x'))).rejects.toMatchObject({
      code: 'E_INDEX_PATH',
      message: `${join(dir, 'a-file.txt')} is a file, not an index folder (give --index the folder "sift index" wrote)`,
    });
  });
});
