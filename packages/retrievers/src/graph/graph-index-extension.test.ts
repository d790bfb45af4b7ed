import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiftError, type Chunk, type Chunker, type Document } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IndexExtension } from '../sift-index/index-extension.js';
import { SiftIndex } from '../sift-index/sift-index.js';
import { PAGES } from './__fixtures__/film-corpus.js';
import { readGraphFile, writeGraphFile } from './graph-file.js';
import { GRAPH_FILE } from './graph-format.js';
import { GRAPH_PREVIOUS_FILE, graphIndexExtension } from './graph-index-extension.js';
import { loadIndexGraph } from './index-graph.js';

/** One chunk per document. */
const whole: Chunker = {
  name: 'whole',
  async *chunk(doc: Document): AsyncIterable<Chunk> {
    yield { id: doc.id, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: doc.text.split(' ').length, metadata: {} };
  },
};

const docs = (pages: ReadonlyArray<readonly [string, string]>): Document[] => pages.map(([id, text]) => ({ id, text, metadata: {} }));
const BRIDGE = 'Which school did the director of Ed Wood attend?';

describe('graphIndexExtension', () => {
  let dir: string;
  let index: SiftIndex;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-graph-index-'));
    index = await SiftIndex.create(dir);
  });
  afterEach(async () => {
    await index.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits graph.bin with the add and serves graph:bm25 over the index', async () => {
    const result = await index.add(docs(PAGES), { chunker: whole, extensions: [graphIndexExtension(index)] });
    expect(index.manifest.extensions.graph).toEqual({ generation: result.generation });
    expect((await readGraphFile(join(dir, GRAPH_FILE))).generation).toBe(result.generation);
    const r = await index.retriever({ retriever: 'graph', first: 'bm25' });
    expect(r.name).toBe('graph:bm25');
    const hits = await r.retrieve(BRIDGE, 3);
    expect(hits.map((h) => h.id)).toContain('ed-wood-film');
    const burton = hits.find((h) => h.id === 'tim-burton');
    expect(burton?.explain).toMatchObject({ via: 'passage', entity: 'tim burton', from: 'ed-wood-film' });
    expect(burton!.text).toBe(PAGES[1]![1]);
  });

  it('keeps the graph whole across adds: old passages, new titles they mention, replaced documents', async () => {
    await index.add(docs(PAGES.filter(([id]) => id !== 'tim-burton')), { chunker: whole, extensions: [graphIndexExtension(index)] });
    // The film page already names Tim Burton; his page arrives later, and the Depp page is rewritten.
    await index.add(docs([PAGES[1]!, ['johnny-depp', 'Johnny Depp\nJohnny Depp played Jack Sparrow.']]), {
      chunker: whole,
      extensions: [graphIndexExtension(index)],
    });
    const g = await loadIndexGraph(index);
    expect([...g.passageIds].sort()).toEqual(['calarts', 'ed-wood-film', 'johnny-depp', 'note', 'tim-burton']);
    expect(g.entities).toContain('jack sparrow');
    expect(g.entities).not.toContain('john christopher depp ii');
    const e = g.entities.indexOf('tim burton');
    expect([...g.epIdx.slice(g.epPtr[e]!, g.epPtr[e + 1]!)].map((p) => g.passageIds[p]).sort()).toEqual(['ed-wood-film', 'tim-burton']);
  });

  it('an add without the extension leaves the committed graph usable for the passages it knows', async () => {
    await index.add(docs(PAGES), { chunker: whole, extensions: [graphIndexExtension(index)] });
    const graphGen = index.manifest.extensions.graph!.generation;
    await index.add(docs([['extra', 'Extra\nplain words about a teapot']]), { chunker: whole });
    expect(index.manifest.extensions.graph!.generation).toBe(graphGen);
    const r = await index.retriever({ retriever: 'graph:bm25' } as never);
    expect((await r.retrieve('teapot', 3))[0]).toMatchObject({ id: 'extra', explain: { firstStageRank: 1 } });
  });

  it('puts the previous graph back when the add fails after the graph committed', async () => {
    await index.add(docs(PAGES.slice(0, 2)), { chunker: whole, extensions: [graphIndexExtension(index)] });
    const before = await readGraphFile(join(dir, GRAPH_FILE));
    const failing: IndexExtension = {
      name: 'boom',
      async onBatch() {},
      async commit() {
        throw new Error('boom');
      },
    };
    await expect(index.add(docs(PAGES.slice(2)), { chunker: whole, extensions: [graphIndexExtension(index), failing] })).rejects.toThrow(/boom/);
    const after = await readGraphFile(join(dir, GRAPH_FILE));
    expect(after.generation).toBe(before.generation);
    expect(after.graph.passageIds).toEqual(before.graph.passageIds);
    // A first graph that fails to commit leaves no graph.bin behind.
    const fresh = await SiftIndex.create(join(dir, 'fresh'));
    await expect(fresh.add(docs(PAGES), { chunker: whole, extensions: [graphIndexExtension(fresh), failing] })).rejects.toThrow(/boom/);
    await expect(stat(join(dir, 'fresh', GRAPH_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    await fresh.close();
  });

  it('reads graph.bin.prev when a crash left an uncommitted graph.bin', async () => {
    await index.add(docs(PAGES), { chunker: whole, extensions: [graphIndexExtension(index)] });
    const committed = await readGraphFile(join(dir, GRAPH_FILE));
    await copyFile(join(dir, GRAPH_FILE), join(dir, GRAPH_PREVIOUS_FILE));
    await writeGraphFile(join(dir, GRAPH_FILE), committed.graph, committed.generation + 5);
    expect((await loadIndexGraph(index)).passageIds).toEqual(committed.graph.passageIds);
    await rm(join(dir, GRAPH_PREVIOUS_FILE));
    await expect(loadIndexGraph(index)).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_CORRUPT' && /generation/.test(e.message));
  });

  it('an index without a graph says how to build one', async () => {
    await index.add(docs(PAGES), { chunker: whole });
    await expect(index.retriever({ retriever: 'graph', first: 'bm25' })).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_MISSING' && e.message.includes('sift index --graph'),
    );
  });
});
