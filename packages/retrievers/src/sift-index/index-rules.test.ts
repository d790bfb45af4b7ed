import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbedder, SiftError, type Chunk, type Chunker, type Document, type Embedder } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiftIndex } from './sift-index.js';

// The index owns its rules: the chunker's whole config, the embedder it re-creates, its default retriever, and
// version 1 manifests read as version 2.

const whole = (name: string): Chunker => ({
  name,
  async *chunk(doc: Document): AsyncIterable<Chunk> {
    yield { id: doc.id, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 3, metadata: {} };
  },
});
const DOCS: Document[] = [
  { id: 'whales', text: 'Whales sing long songs in the deep ocean.', metadata: {} },
  { id: 'bees', text: 'Bees dance to show where the flowers are.', metadata: {} },
];
const lettersEmbedder = (id: string): Embedder => ({
  id,
  dim: 8,
  maxTokens: 64,
  async embed(texts) {
    return texts.map((t) => {
      const v = new Float32Array(8);
      for (const ch of t.toLowerCase()) if (ch >= 'a' && ch <= 'z') v[ch.charCodeAt(0) % 8]! += 1;
      return v;
    });
  },
});

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'sift-rules-')), 'idx');
});
afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

describe('SiftIndex rules', () => {
  it('checks the whole chunker config on add, naming the differing keys', async () => {
    const recursive = { chunker: 'recursive', size: 512, overlap: 0, tokenizer: 'cl100k', markdown: true };
    const index = await SiftIndex.create(dir, { chunker: { name: 'recursive', config: recursive }, tokenizer: 'cl100k' });
    try {
      await index.add(DOCS, { chunker: whole('recursive'), chunkerConfig: recursive });
      const token = { chunker: 'token', size: 256, overlap: 0, tokenizer: 'cl100k' };
      await expect(index.add(DOCS, { chunker: whole('token'), chunkerConfig: token })).rejects.toSatisfy(
        (e: unknown) =>
          SiftError.isInstance(e) &&
          e.code === 'E_BAD_CONFIG' &&
          e.message.includes('was built with chunker "recursive" markdown true size 512; got chunker "token" markdown (unset) size 256'),
      );
      await expect(index.add(DOCS, { chunker: whole('recursive'), chunkerConfig: { ...recursive, overlap: 32 } })).rejects.toThrow(
        /built with chunker "recursive" overlap 0; got chunker "recursive" overlap 32/,
      );
      await expect(index.add(DOCS, { chunker: whole('recursive') })).rejects.toThrow(/pass chunkerConfig to add\(\)/);
      expect(index.chunker).toEqual({ name: 'recursive', config: recursive });
      expect(index.defaultRetriever).toBe('bm25');
    } finally {
      await index.close();
    }
  });

  it('reads a version 1 manifest: embedder id → config, chunker settings → config, side indexes stale until the next add', async () => {
    const embedder = lettersEmbedder('onnx:/models/tiny:q8:mean:norm:256');
    const index = await SiftIndex.create(dir, { embedder, sideIndexes: { graph: {} } });
    await index.add(DOCS, { chunker: whole('recursive'), chunkerConfig: { size: 64 } });
    await index.close();
    const file = join(dir, 'manifest.json');
    const v2 = JSON.parse(await readFile(file, 'utf8'));
    const { sideIndexes: _s, contentGeneration: _c, defaultRetriever: _d, ...rest } = v2;
    const v1 = {
      ...rest,
      formatVersion: 1,
      chunker: { name: 'recursive', size: 64 },
      embedder: { id: embedder.id, dim: 8 },
      extensions: { hnsw: { generation: v2.generation }, graph: { generation: v2.generation } },
    };
    await writeFile(file, JSON.stringify(v1));
    const warnings: string[] = [];
    const old = await SiftIndex.open(dir, { onWarn: (m) => warnings.push(m) });
    try {
      expect(old.manifest).toMatchObject({
        formatVersion: 2,
        chunker: { name: 'recursive', config: { size: 64 } },
        embedder: { id: embedder.id, dim: 8, config: { name: 'onnx', model: '/models/tiny', pooling: 'mean', normalize: true, quantized: true, maxTokens: 256 } },
        sideIndexes: { hnsw: { chunks: -1, files: {} }, graph: { chunks: -1, files: {} } },
      });
      const hits = await (await old.retriever('graph:hybrid', { embedder })).retrieve('whales singing', 2);
      expect(hits[0]!.id).toBe('whales');
      expect(warnings).toHaveLength(2); // the stale HNSW graph and the stale entity graph, one line each
      const res = await old.add([{ id: 'ants', text: 'Ants carry leaves home.', metadata: {} }], { chunker: whole('recursive'), chunkerConfig: { size: 64 }, embedder });
      expect(res.rebuiltSideIndexes.sort()).toEqual(['graph', 'hnsw']);
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ formatVersion: 2, sideIndexes: { hnsw: { chunks: 3 }, graph: { chunks: 3 } } });
    } finally {
      await old.close();
    }
  });

  it('re-creates its embedder from the manifest: a reopened index answers dense queries with no embedder given', async () => {
    const useLite = await createEmbedder('use-lite');
    const index = await SiftIndex.create(dir, { embedder: useLite, defaultRetriever: 'graph:hybrid', sideIndexes: { graph: {} } });
    await index.add(DOCS, { chunker: whole('recursive') });
    await index.close();
    await useLite.close?.();
    const reopened = await SiftIndex.open(dir);
    try {
      expect(reopened.embedderInfo).toEqual({ id: 'use-lite', dim: 512, config: { name: 'use-lite' } });
      expect(reopened.defaultRetriever).toBe('graph:hybrid');
      const hits = await (await reopened.retriever('dense')).retrieve('honey insects and flowers', 1);
      expect(hits[0]!.id).toBe('bees');
      expect((await (await reopened.retriever()).retrieve('ocean songs', 1))[0]!.id).toBe('whales');
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
