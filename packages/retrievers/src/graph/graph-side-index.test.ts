import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiftError, type Chunk, type Chunker, type Document } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSideIndex } from '../sift-index/side-index-registry.js';
import { SiftIndex } from '../sift-index/sift-index.js';
import { PAGES } from './__fixtures__/film-corpus.js';
import { readGraphFile } from './graph-file.js';
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

describe('graph side index', () => {
  let dir: string;
  let index: SiftIndex;
  const warnings: string[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-graph-index-'));
    warnings.length = 0;
    index = await SiftIndex.create(dir, { onWarn: (m) => warnings.push(m) });
  });
  afterEach(async () => {
    await index.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits graph.<generation>.bin with the add and serves graph:bm25 over the index', async () => {
    const result = await index.add(docs(PAGES), { chunker: whole, sideIndexes: { graph: {} } });
    const record = index.manifest.sideIndexes.graph!;
    expect(record).toMatchObject({ generation: result.generation, chunks: PAGES.length, files: { [`graph.${result.generation}.bin`]: expect.any(String) } });
    expect((await readGraphFile(join(dir, `graph.${result.generation}.bin`))).generation).toBe(result.generation);
    const r = await index.retriever({ retriever: 'graph', first: 'bm25' });
    expect(r.name).toBe('graph:bm25');
    const hits = await r.retrieve(BRIDGE, 3);
    expect(hits.map((h) => h.id)).toContain('ed-wood-film');
    const burton = hits.find((h) => h.id === 'tim-burton');
    expect(burton?.explain).toMatchObject({ via: 'passage', entity: 'tim burton', from: 'ed-wood-film' });
    expect(burton!.text).toBe(PAGES[1]![1]);
  });

  it('every later add keeps the graph whole: old passages, new titles they mention, replaced documents', async () => {
    await index.add(docs(PAGES.filter(([id]) => id !== 'tim-burton')), { chunker: whole, sideIndexes: { graph: {} } });
    // The film page already names Tim Burton; his page arrives later (an add that does not mention the graph).
    await index.add(docs([PAGES[1]!, ['johnny-depp', 'Johnny Depp\nJohnny Depp played Jack Sparrow.']]), { chunker: whole });
    const g = await loadIndexGraph(index);
    expect([...g.passageIds].sort()).toEqual(['calarts', 'ed-wood-film', 'johnny-depp', 'note', 'tim-burton']);
    expect(g.entities).toContain('jack sparrow');
    expect(g.entities).not.toContain('john christopher depp ii');
    const e = g.entities.indexOf('tim burton');
    expect([...g.epIdx.slice(g.epPtr[e]!, g.epPtr[e + 1]!)].map((p) => g.passageIds[p]).sort()).toEqual(['ed-wood-film', 'tim-burton']);
    expect((await readdir(dir)).filter((n) => n.startsWith('graph.'))).toEqual([`graph.${index.manifest.generation}.bin`]);
  });

  it('a failed add leaves the committed graph and removes the files it wrote', async () => {
    await index.add(docs(PAGES.slice(0, 2)), { chunker: whole, sideIndexes: { graph: {} } });
    const before = index.manifest;
    registerSideIndex({
      name: 'boom',
      needsVectors: false,
      parseOptions: () => ({}),
      async begin() {
        return {
          async onBatch() {},
          async write() {
            throw new Error('boom');
          },
        };
      },
    });
    await expect(index.add(docs(PAGES.slice(2)), { chunker: whole, sideIndexes: { boom: {} } })).rejects.toThrow(/boom/);
    expect(index.manifest).toEqual(before);
    expect((await readdir(dir)).filter((n) => n.startsWith('graph.'))).toEqual([`graph.${before.generation}.bin`]);
    expect((await loadIndexGraph(index)).passageIds).toEqual(['ed-wood-film', 'tim-burton']);
  });

  it('a damaged graph file is E_INDEX_CORRUPT naming it; a stale graph is rebuilt in memory with one warning', async () => {
    await index.add(docs(PAGES), { chunker: whole, sideIndexes: { graph: {} } });
    const file = join(dir, `graph.${index.manifest.generation}.bin`);
    const bytes = await readFile(file);
    const good = Buffer.from(bytes);
    for (let i = 0; i < 16; i++) bytes[bytes.length - 40 + i]! ^= 0x5a;
    await writeFile(file, bytes);
    await expect(index.retriever('graph:bm25')).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_CORRUPT' && e.message.includes(file));
    await writeFile(file, good);
    await index.close();
    const manifestFile = join(dir, 'manifest.json');
    const m = JSON.parse(await readFile(manifestFile, 'utf8'));
    m.sideIndexes.graph.chunks = 1;
    await writeFile(manifestFile, JSON.stringify(m));
    index = await SiftIndex.open(dir, { onWarn: (w) => warnings.push(w) });
    const hits = await (await index.retriever('graph:bm25')).retrieve(BRIDGE, 3);
    expect(hits.map((h) => h.id)).toContain('tim-burton');
    expect(warnings).toEqual([expect.stringMatching(/entity graph of .* \(stale\); rebuilding it in memory/)]);
  });

  it('an index without a graph says how to build one', async () => {
    await index.add(docs(PAGES), { chunker: whole });
    await expect(index.retriever({ retriever: 'graph', first: 'bm25' })).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_MISSING' && e.message.includes('sift index --graph'),
    );
  });
});
