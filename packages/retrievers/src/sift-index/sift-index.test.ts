import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiftError, type Chunk, type Chunker, type Document, type Embedder } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Bm25Index } from '../bm25/bm25-index.js';
import type { SideIndexKind } from './side-index.js';
import { registerSideIndex } from './side-index-registry.js';
import { SiftIndex } from './sift-index.js';

/** Sentence chunker for tests: one chunk per sentence, ids `<docId>#<n>`. */
const sentences: Chunker = {
  name: 'test-sentences',
  async *chunk(doc: Document): AsyncIterable<Chunk> {
    let n = 0;
    for (const m of doc.text.matchAll(/[^.!?]+[.!?]?/g)) {
      const lead = m[0].length - m[0].trimStart().length;
      const text = m[0].trim();
      if (!text) continue;
      const start = m.index + lead;
      yield { id: `${doc.id}#${n++}`, docId: doc.id, text, start, end: start + text.length, tokenCount: text.split(/\s+/).length, metadata: { n } };
    }
  },
};

/** Throws on the document with this id, after the chunker has produced `after` chunks of it. */
function failingOn(docId: string, after = 1): Chunker {
  return {
    name: sentences.name,
    async *chunk(doc: Document, opts) {
      let i = 0;
      for await (const c of sentences.chunk(doc, opts)) {
        if (doc.id === docId && i++ >= after) throw new Error(`chunker exploded on ${docId}`);
        yield c;
      }
    },
  };
}

/** Deterministic bag-of-letters embedder (no model needed to test the vector column plumbing). */
function letterEmbedder(id = 'letters-8', dim = 8): Embedder {
  return {
    id,
    dim,
    maxTokens: 512,
    async embed(texts) {
      return texts.map((t) => {
        const v = new Float32Array(dim);
        for (const ch of t.toLowerCase()) if (ch >= 'a' && ch <= 'z') v[(ch.charCodeAt(0) - 97) % dim]! += 1;
        return v;
      });
    },
  };
}

const CORPUS: Document[] = [
  { id: 'cats', text: 'Cats purr when content. A cat sleeps most of the day.', metadata: { kind: 'pet' } },
  { id: 'dogs', text: 'Dogs bark at strangers. A loyal dog guards the house!', metadata: {} },
  { id: 'birds', text: 'Birds migrate south in winter. Parrots can mimic speech.', source: 'birds.txt', metadata: {} },
  { id: "o'hare", text: "O'Hare is an airport in Chicago. Planes land there every minute.", metadata: {} },
];
const more = (n: number): Document[] =>
  Array.from({ length: n }, (_, i) => ({ id: `extra-${i}`, text: `Filler document number ${i}. It mentions topic${i % 5} twice, topic${i % 5}.`, metadata: {} }));

async function* stream(docs: Document[]): AsyncIterable<Document> {
  for (const d of docs) yield d;
}

const ids = (hits: { id: string }[]): string[] => hits.map((h) => h.id);

let dir: string;
const opened: SiftIndex[] = [];
async function track(p: Promise<SiftIndex>): Promise<SiftIndex> {
  const idx = await p;
  opened.push(idx);
  return idx;
}

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'sift-index-')), '.sift');
});
afterEach(async () => {
  for (const idx of opened.splice(0)) await idx.close();
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('BM25 hits read their chunks by table position', () => {
  it('a BM25 row is its chunk\'s offset in the chunks table, after replacing, removing, adding and optimizing', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add([...CORPUS, ...more(30)], { chunker: sentences });
    await index.add([{ id: 'dogs', text: 'Dogs howl at the moon. A dog fetches sticks. Puppies chew shoes.', metadata: {} }], { chunker: sentences });
    await index.remove(['birds', 'extra-3']);
    await index.add(more(40).slice(30), { chunker: sentences });
    await index.optimize();
    for (const q of ['dog', 'topic3 document', 'airport Chicago', 'cats sleep', 'filler number']) {
      const hits = index.bm25Index().search(q, 10);
      expect(hits.length).toBeGreaterThan(0);
      const atRows = (await index.lanceTable('chunks').takeOffsets(hits.map((h) => h.row)).select(['id']).toArray()) as Array<{ id: string }>;
      expect(atRows.map((r) => r.id).sort()).toEqual(ids(hits).sort());
      expect(await index.getChunksOfBm25Hits(hits)).toEqual(await index.getChunks(ids(hits)));
    }
  });

  it('falls back to reading by id when a row does not hold its id', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add([...CORPUS, ...more(10)], { chunker: sentences });
    const hits = index.bm25Index().search('dog topic1', 5);
    const shifted = hits.map((h) => ({ ...h, row: h.row + 1 }));
    const expected = await index.getChunks(ids(hits));
    expect(expected.map((c) => c.id)).toEqual(ids(hits));
    expect(await index.getChunksOfBm25Hits(shifted)).toEqual(expected);
    expect(await index.getChunksOfBm25Hits(hits.map((h) => ({ ...h, row: 10_000 + h.row })))).toEqual(expected);
  });
});

describe('SiftIndex.create / add / retriever', () => {
  it('writes manifest.json, bm25.bin and lance/ and answers BM25 queries with exact offsets', async () => {
    const index = await track(SiftIndex.create(dir, { tokenizer: 'cl100k' }));
    const res = await index.add(stream(CORPUS), { chunker: sentences });
    expect(res).toMatchObject({ added: 4, replaced: 0, skipped: 0, chunks: 8, committed: true, generation: 2 });
    expect((await readdir(dir)).sort()).toEqual(['.lock', '.sift-index', 'bm25.bin', 'lance', 'manifest.json']);
    expect(await index.stats()).toMatchObject({ documents: 4, chunks: 8, version: 2, dir });
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({
      format: 'sift-index',
      formatVersion: 2,
      chunker: { name: 'test-sentences', config: null },
      tokenizer: 'cl100k',
      bm25: { file: 'bm25.bin', generation: 2, options: { k1: 1.2, b: 0.75, stopwords: true, stem: true } },
      embedder: null,
      counts: { documents: 4, chunks: 8 },
      lance: { library: '0.37.1', dir: 'lance' },
    });

    const r = await index.retriever({ retriever: 'bm25' });
    const hits = await r.retrieve('dog barking', 3);
    expect(ids(hits)).toEqual(['dogs#0', 'dogs#1']);
    expect(hits[0]!.explain).toEqual({ bm25Rank: 1 });
    const byId = new Map(CORPUS.map((d) => [d.id, d.text]));
    for (const h of [...hits, ...(await r.retrieve("o'hare airport chicago cats", 5))]) {
      expect(byId.get(h.docId)!.slice(h.start, h.end)).toBe(h.text);
    }
    // Both cat sentences have 4 terms: the tie goes to the earlier row.
    expect((await r.retrieve('cat', 1))[0]).toMatchObject({ id: 'cats#0', metadata: { n: 1 }, tokenCount: 4 });
  });

  it('getChunks returns committed chunks in the order asked, skipping unknown ids (quotes included)', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS, { chunker: sentences });
    const got = await index.getChunks(["o'hare#1", 'nope', 'cats#0', "o'hare#1"]);
    expect(ids(got)).toEqual(["o'hare#1", 'cats#0', "o'hare#1"]);
    expect(got[0]!.text).toBe('Planes land there every minute.');
  });

  it('a reopened index answers identically without rebuilding or rewriting anything', async () => {
    const first = await track(SiftIndex.create(dir));
    await first.add(stream([...CORPUS, ...more(30)]), { chunker: sentences });
    const queries = ['topic3', 'airport planes', 'cats and dogs', 'migrate'];
    const r1 = await first.retriever({ retriever: 'bm25' });
    const before = await Promise.all(queries.map((q) => r1.retrieve(q, 5)));
    await first.close();
    const mtimes = async () => Promise.all(['manifest.json', 'bm25.bin'].map(async (f) => (await stat(join(dir, f))).mtimeMs));
    const t0 = await mtimes();

    const addSpy = vi.spyOn(Bm25Index.prototype, 'add');
    try {
      const second = await track(SiftIndex.open(dir));
      const r2 = await second.retriever({ retriever: 'bm25' });
      const after = await Promise.all(queries.map((q) => r2.retrieve(q, 5)));
      expect(after).toEqual(before);
      expect(addSpy).not.toHaveBeenCalled();
      expect(await mtimes()).toEqual(t0);
      expect(await second.stats()).toMatchObject({ documents: 34, chunks: 68, version: 2 });
    } finally {
      addSpy.mockRestore();
    }
  });

  it('adds incrementally across calls and batches', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS.slice(0, 2), { chunker: sentences });
    const res = await index.add(stream([...CORPUS.slice(2), ...more(20)]), { chunker: sentences, batchSize: 7 });
    expect(res).toMatchObject({ added: 22, chunks: 44, generation: 3 });
    expect(await index.stats()).toMatchObject({ documents: 24, chunks: 48, version: 3 });
    const r = await index.retriever({ retriever: 'bm25' });
    expect(ids(await r.retrieve('parrots', 3))).toEqual(['birds#1']);
    expect(ids(await r.retrieve('purr', 3))).toEqual(['cats#0']);
    expect(ids(await r.retrieve('topic4', 10))).toEqual(['extra-4#1', 'extra-9#1', 'extra-14#1', 'extra-19#1']);
  });

  it('writes bm25.bin with every batch of the add, the last one too, and still checks its chunk ids', async () => {
    // 21 one-chunk documents in batches of 4: the snapshot is encoded before the fifth batch's write ends and must
    // already hold the sixth (the last, with one row).
    const docs = Array.from({ length: 21 }, (_, i) => ({ id: `d${i}`, text: `Document ${i} names word${i}.`, metadata: {} }));
    const index = await track(SiftIndex.create(dir));
    await index.add(stream(docs), { chunker: sentences, batchSize: 4 });
    const bm25 = Bm25Index.fromBytes(await readFile(join(dir, 'bm25.bin')));
    expect(bm25.size).toBe(21);
    for (const i of [0, 16, 19, 20]) expect(ids(bm25.search(`word${i}`, 3))).toEqual([`d${i}#0`]);
    const reader = await track(SiftIndex.open(dir));
    expect(ids(await (await reader.retriever({ retriever: 'bm25' })).retrieve('word20', 3))).toEqual(['d20#0']);

    // A chunk id clash in the last batch fails the add before anything is committed.
    const clashLast: Chunker = {
      name: sentences.name,
      async *chunk(doc) {
        yield { id: doc.id === 'e8' ? 'e0#0' : `${doc.id}#0`, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 1, metadata: {} };
      },
    };
    const extra = docs.slice(0, 9).map((d, i) => ({ ...d, id: `e${i}` }));
    await expect(index.add(stream(extra), { chunker: clashLast, batchSize: 4 })).rejects.toThrow(/Chunk id "e0#0" \(document "e8"\) is already in the index/);
    expect(await index.stats()).toMatchObject({ documents: 21, chunks: 21, version: 2 });
  });

  it('replaces a document whose text changed and skips one whose sha256 did not', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS, { chunker: sentences });
    const r = await index.retriever({ retriever: 'bm25' });
    const changed = { id: 'cats', text: 'Kittens chase yarn.', metadata: {} };
    const res = await index.add([changed, CORPUS[1]!], { chunker: sentences });
    expect(res).toMatchObject({ added: 0, replaced: 1, skipped: 1, chunks: 1, removedChunks: 2, committed: true });
    expect(await index.stats()).toMatchObject({ documents: 4, chunks: 7 });
    expect(await r.retrieve('purr', 3)).toEqual([]);
    expect(ids(await r.retrieve('kittens', 3))).toEqual(['cats#0']);
    expect(await index.getChunks(['cats#1'])).toEqual([]);

    const again = await index.add([changed], { chunker: sentences });
    expect(again).toMatchObject({ skipped: 1, committed: false, generation: 3 });
    expect((await index.stats()).version).toBe(3);
  });

  it('remove drops documents with their chunks from the tables, BM25 and side indexes in one commit', async () => {
    const index = await track(SiftIndex.create(dir, { embedder: letterEmbedder() }));
    await index.add(CORPUS, { chunker: sentences });
    const res = await index.remove(['dogs', 'nope', "o'hare"]);
    expect(res).toEqual({ removed: 2, removedChunks: 4, generation: 3, committed: true });
    expect(await index.stats()).toMatchObject({ documents: 2, chunks: 4 });
    expect(await (await index.retriever('bm25')).retrieve('dog', 3)).toEqual([]);
    expect(index.manifest.sideIndexes.hnsw).toMatchObject({ generation: 3, chunks: 4 });
    const dense = await (await index.retriever('dense')).retrieve('Dogs bark at strangers.', 10);
    expect(dense.map((h) => h.docId).sort()).toEqual(['birds', 'birds', 'cats', 'cats']);
    expect(await index.remove(['dogs'])).toMatchObject({ removed: 0, committed: false, generation: 3 });
  });

  it('a reader moves to another writer’s later commit when it makes a retriever (the files it had are gone)', async () => {
    const writer = await track(SiftIndex.create(dir, { embedder: letterEmbedder() }));
    await writer.add(CORPUS.slice(0, 2), { chunker: sentences });
    const reader = await track(SiftIndex.open(dir));
    expect(reader.manifest.generation).toBe(2);
    await writer.add(CORPUS.slice(2), { chunker: sentences });
    expect((await readdir(dir)).filter((n) => n.startsWith('hnsw.'))).toEqual(['hnsw.3.bin', 'hnsw.3.labels.json']);
    const hits = await (await reader.retriever('dense', { embedder: letterEmbedder() })).retrieve("O'Hare is an airport in Chicago.", 1);
    expect(hits[0]!.id).toBe("o'hare#0");
    expect(reader.manifest.generation).toBe(3);
  });

  it('rejects a document id given twice in one add, and duplicate chunk ids across documents', async () => {
    const index = await track(SiftIndex.create(dir));
    await expect(index.add([CORPUS[0]!, CORPUS[0]!], { chunker: sentences })).rejects.toThrow(/"cats" appears twice/);
    const clash: Chunker = {
      name: sentences.name,
      async *chunk(doc) {
        yield { id: 'same', docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 1, metadata: {} };
      },
    };
    await expect(index.add(CORPUS.slice(0, 2), { chunker: clash })).rejects.toThrow(/Chunk id "same" .* already in the index/);
    expect(await index.stats()).toMatchObject({ documents: 0, chunks: 0, version: 1 });
  });

  it('rejects a chunk that breaks the offset contract, naming chunker and document', async () => {
    const index = await track(SiftIndex.create(dir));
    const liar: Chunker = {
      name: 'liar',
      async *chunk(doc) {
        yield { id: `${doc.id}#0`, docId: doc.id, text: 'not in the text', start: 0, end: 15, tokenCount: 3, metadata: {} };
      },
    };
    await expect(index.add(CORPUS, { chunker: liar })).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_BAD_INPUT' && /Chunker "liar" .* document "cats" .*source\.slice\(0, 15\)/.test(e.message),
    );
  });
});

describe('SiftIndex atomicity', () => {
  it('a chunker that throws midway leaves the previous commit intact, in this instance and after reopening', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS, { chunker: sentences });
    const r = await index.retriever({ retriever: 'bm25' });
    const queries = ['dog', 'airport', 'topic1'];
    const before = await Promise.all(queries.map((q) => r.retrieve(q, 5)));
    const docs = [{ ...CORPUS[0]!, text: 'Replaced cat text.' }, ...more(40)];
    // batchSize 4 forces several LanceDB writes (and the replace's deletes) before the failure.
    await expect(index.add(stream(docs), { chunker: failingOn('extra-30'), batchSize: 4 })).rejects.toThrow(/chunker exploded on extra-30/);
    expect(await index.stats()).toMatchObject({ documents: 4, chunks: 8, version: 2 });
    expect(await Promise.all(queries.map((q) => r.retrieve(q, 5)))).toEqual(before);
    await index.close();

    const reopened = await track(SiftIndex.open(dir));
    expect(await reopened.stats()).toMatchObject({ documents: 4, chunks: 8, version: 2 });
    const r2 = await reopened.retriever({ retriever: 'bm25' });
    expect(await Promise.all(queries.map((q) => r2.retrieve(q, 5)))).toEqual(before);
    expect(await reopened.lanceTable('chunks').countRows()).toBe(8);

    // The next add starts from the committed state, not from the failed one's rows.
    const res = await reopened.add(stream(docs), { chunker: sentences, batchSize: 4 });
    expect(res).toMatchObject({ added: 40, replaced: 1, chunks: 81 });
    expect(await reopened.stats()).toMatchObject({ documents: 44, chunks: 87, version: 3 });
    expect(ids(await r2.retrieve('replaced', 3))).toEqual(['cats#0']);
  });

  it('an abort mid-add is E_ABORTED and commits nothing', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS, { chunker: sentences });
    const ac = new AbortController();
    let seen = 0;
    const res = index.add(stream(more(200)), {
      chunker: sentences,
      batchSize: 8,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.status === 'progress' && ++seen === 50) ac.abort(new Error('user pressed ctrl-c'));
      },
    });
    await expect(res).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_ABORTED');
    expect(await index.stats()).toMatchObject({ documents: 4, chunks: 8, version: 2 });
    const again = await track(SiftIndex.open(dir));
    expect(await again.stats()).toMatchObject({ documents: 4, chunks: 8, version: 2 });
  });

  it('rolls a commit cut between its two renames forward on open', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS.slice(0, 2), { chunker: sentences });
    const oldManifest = await readFile(join(dir, 'manifest.json'), 'utf8');
    await index.add(CORPUS.slice(2), { chunker: sentences });
    await index.close();
    // State after "rename bm25.bin.next → bm25.bin" but before "rename manifest.json.next → manifest.json".
    const newManifest = await readFile(join(dir, 'manifest.json'), 'utf8');
    await writeFile(join(dir, 'manifest.json.next'), newManifest);
    await writeFile(join(dir, 'manifest.json'), oldManifest);
    const reopened = await track(SiftIndex.open(dir));
    expect(await reopened.stats()).toMatchObject({ documents: 4, chunks: 8, version: 3 });
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).toBe(newManifest);
  });

  it('refuses to add while another live process holds the writer lock, and takes over a stale lock', async () => {
    const created = await SiftIndex.create(dir);
    await created.close();
    const index = await track(SiftIndex.open(dir));
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: process.pid, token: 'x' }));
    await expect(index.add(CORPUS, { chunker: sentences })).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_LOCKED' && e.message.includes(`pid ${process.pid}`),
    );
    // A lock in the version 1 format (no token) of a dead process is stale too.
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    // A writer killed while writing its lock leaves its private copy: removed once its pid is gone.
    await writeFile(join(dir, `.lock.${2 ** 22 + 12345}.0123abcd`), '{}');
    await expect(index.add(CORPUS, { chunker: sentences })).resolves.toMatchObject({ added: 4 });
    expect((await readdir(dir)).filter((n) => n.startsWith('.lock'))).toEqual([]);
  });

  it('create holds the lock until close: a second writer fails at once, and a writer whose lock was broken never commits', async () => {
    const index = await track(SiftIndex.create(dir));
    await expect(SiftIndex.create(dir, { ifExists: 'open' })).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_LOCKED');
    const reader = await track(SiftIndex.open(dir));
    await expect(reader.add(CORPUS, { chunker: sentences })).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_LOCKED');
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: process.pid, token: 'someone-else' }));
    await expect(index.add(CORPUS, { chunker: sentences })).rejects.toThrow(/taken from this process; nothing was committed/);
    expect(await index.stats()).toMatchObject({ documents: 0, version: 1 });
  });
});

describe('SiftIndex errors', () => {
  it('open: a missing index is E_INDEX_MISSING naming the path', async () => {
    await expect(SiftIndex.open(dir)).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_MISSING' && e.message.includes(join(dir, 'manifest.json')),
    );
  });

  it('open: a corrupt manifest is E_INDEX_CORRUPT naming the file and the problem', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.close();
    const path = join(dir, 'manifest.json');
    const good = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, '{"format": "sift-index", ');
    await expect(SiftIndex.open(dir)).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_CORRUPT' && e.message.includes(path) && /not valid JSON/.test(e.message),
    );
    await writeFile(path, JSON.stringify({ ...good, counts: { documents: -1, chunks: 0 } }));
    await expect(SiftIndex.open(dir)).rejects.toThrow(/manifest.json is invalid[\s\S]*counts\.documents/);
    await writeFile(path, JSON.stringify({ ...good, formatVersion: 99 }));
    await expect(SiftIndex.open(dir)).rejects.toThrow(/format version 99; this build of Sift reads versions 1 and 2/);
  });

  it('open: a bm25.bin from another generation is E_INDEX_CORRUPT', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS, { chunker: sentences });
    await index.close();
    await writeFile(join(dir, 'bm25.bin'), Bm25Index.create().toBytes(9));
    await expect(SiftIndex.open(dir)).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_CORRUPT' && /generation 9 but .*expects 2/.test(e.message),
    );
  });

  it('create: an existing index is an error unless ifExists says open or overwrite', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS, { chunker: sentences });
    await index.close();
    await expect(SiftIndex.create(dir)).rejects.toThrow(/already exists/);
    const opened = await track(SiftIndex.create(dir, { ifExists: 'open' }));
    expect((await opened.stats()).chunks).toBe(8);
    await opened.close();
    const fresh = await track(SiftIndex.create(dir, { ifExists: 'overwrite' }));
    expect(await fresh.stats()).toMatchObject({ documents: 0, chunks: 0, version: 1 });
  });

  it('validates options with E_BAD_CONFIG naming the key', async () => {
    await expect(SiftIndex.create(dir, { bm25: { k1: -1 } })).rejects.toThrow(/bm25\.k1/);
    const index = await track(SiftIndex.create(dir));
    await expect(index.add(CORPUS, { chunker: {} as Chunker })).rejects.toThrow(/chunker/);
    await expect(index.add(CORPUS, { chunker: { ...sentences, name: 'other' } })).resolves.toBeTruthy();
    await expect(index.add(CORPUS, { chunker: sentences })).rejects.toThrow(/built with chunker "other"; got chunker "test-sentences"/);
    await expect(index.retriever({ retriever: 'bm25', stem: false })).rejects.toThrow(/built with BM25 stem=true/);
  });

  it('close is idempotent; use after close is E_CLOSED; await using disposes', async () => {
    const index = await SiftIndex.create(dir);
    const r = await index.retriever({ retriever: 'bm25' });
    expect(index.isOpen()).toBe(true);
    await index.close();
    await index.close();
    expect(index.isOpen()).toBe(false);
    await expect(index.stats()).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_CLOSED');
    await expect(r.retrieve('x', 1)).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_CLOSED');
    {
      await using again = await SiftIndex.open(dir);
      expect(again.isOpen()).toBe(true);
    }
  });
});

describe('SiftIndex with an embedder and extensions', () => {
  it('writes the vector column, records the embedder, and refuses another one', async () => {
    const index = await track(SiftIndex.create(dir));
    const embedder = letterEmbedder();
    await index.add(CORPUS, { chunker: sentences, embedder, batchSize: 3 });
    expect((await index.stats()).embedder).toEqual({ id: 'letters-8', dim: 8 });
    const table = index.lanceTable('chunks');
    const [probe] = await embedder.embed(['Dogs bark at strangers.']);
    const nearest = await table.vectorSearch(probe!).limit(1).select(['id']).toArray();
    expect(nearest[0].id).toBe('dogs#0');
    await expect(index.add(more(1), { chunker: sentences, embedder: letterEmbedder('other', 8) })).rejects.toThrow(
      /built with embedder "letters-8" \(dim 8\), not "other"/,
    );
    await expect(index.add(more(1), { chunker: sentences })).rejects.toThrow(/embedder "letters-8", which it cannot re-create; pass the same embedder/);
  });

  it('refuses an embedder on an index that already has chunks without vectors', async () => {
    const index = await track(SiftIndex.create(dir));
    await index.add(CORPUS, { chunker: sentences });
    await expect(index.add(more(1), { chunker: sentences, embedder: letterEmbedder() })).rejects.toThrow(/8 chunks without vectors/);
  });

  it('keeps every registered side index in step: batches with vectors and removed ids, per-generation files, cleanup', async () => {
    const calls: string[] = [];
    const recorder: SideIndexKind = {
      name: 'recorder',
      needsVectors: true,
      parseOptions: (o) => ({ tag: 'x', ...(o as object) }),
      async begin(ctx) {
        calls.push(`begin committed=${ctx.committed?.generation ?? 'none'} tag=${String(ctx.options.tag)}`);
        return {
          async onBatch(chunks, vectors, removed) {
            calls.push(`batch ${chunks.length} vec=${vectors?.length ?? 'none'} removed=${removed.join('|')}`);
          },
          async write(d, generation) {
            await writeFile(join(d, `recorder.${generation}.bin`), `gen ${generation}`);
            calls.push(`write ${generation}`);
            return [`recorder.${generation}.bin`];
          },
        };
      },
    };
    registerSideIndex(recorder);
    const embedder = letterEmbedder();
    const index = await track(SiftIndex.create(dir, { embedder, sideIndexes: { recorder: { tag: 'y' } } }));
    await index.add(CORPUS, { chunker: sentences, batchSize: 5 });
    expect(calls).toEqual(['begin committed=1 tag=y', 'batch 5 vec=5 removed=', 'batch 3 vec=3 removed=', 'write 2']);
    const m = index.manifest;
    expect(Object.keys(m.sideIndexes).sort()).toEqual(['hnsw', 'recorder']);
    expect(m.sideIndexes.recorder).toMatchObject({ generation: 2, chunks: 8, options: { tag: 'y' }, files: { 'recorder.2.bin': expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(Object.keys(m.sideIndexes.hnsw!.files).sort()).toEqual(['hnsw.2.bin', 'hnsw.2.labels.json']);
    calls.length = 0;
    await index.add([{ id: 'dogs', text: 'Wolves howl.', metadata: {} }], { chunker: sentences });
    expect(calls).toEqual(['begin committed=2 tag=y', 'batch 1 vec=1 removed=dogs#0|dogs#1', 'write 3']);
    // The previous generation's files are gone once the new manifest is committed.
    expect((await readdir(dir)).filter((n) => /^(hnsw|recorder)\./.test(n)).sort()).toEqual(['hnsw.3.bin', 'hnsw.3.labels.json', 'recorder.3.bin']);
    calls.length = 0;
    await expect(index.add(more(3), { chunker: failingOn('extra-2'), batchSize: 2 })).rejects.toThrow();
    expect(calls).not.toContain('write 4');
    expect(index.manifest.generation).toBe(3);
  });
});

describe('SiftIndex.optimize', () => {
  it('compacts and prunes LanceDB versions, keeping results and counts', async () => {
    const index = await track(SiftIndex.create(dir));
    for (let i = 0; i < 4; i++) await index.add(more(10).map((d) => ({ ...d, id: `${d.id}-${i}` })), { chunker: sentences, batchSize: 5 });
    const r = await index.retriever({ retriever: 'bm25' });
    const before = await r.retrieve('topic2 filler', 8);
    const versionsBefore = (await index.lanceTable('chunks').listVersions()).length;
    await index.optimize();
    expect(await index.stats()).toMatchObject({ documents: 40, chunks: 80, version: 6 });
    expect(await r.retrieve('topic2 filler', 8)).toEqual(before);
    const reopened = await track(SiftIndex.open(dir));
    expect((await reopened.lanceTable('chunks').listVersions()).length).toBeLessThan(versionsBefore);
    expect(await (await reopened.retriever({ retriever: 'bm25' })).retrieve('topic2 filler', 8)).toEqual(before);
  });
});

describe('SiftIndex id index', () => {
  it('builds a BTREE index on chunks.id past 10k chunks, and lookups stay exact', async () => {
    const index = await track(SiftIndex.create(dir));
    const docs = Array.from({ length: 101 }, (_, d) => ({
      id: `d${d}`,
      text: Array.from({ length: 100 }, (_, s) => `w${d}x${s} common.`).join(' '),
      metadata: {},
    }));
    await index.add(docs, { chunker: sentences, batchSize: 4096 });
    const indices = await index.lanceTable('chunks').listIndices();
    expect(indices.map((i) => [i.columns, i.indexType])).toEqual([[['id'], 'BTree']]);
    const r = await index.retriever({ retriever: 'bm25' });
    expect(ids(await r.retrieve('w77x3', 3))).toEqual(['d77#3']);
    expect(ids(await index.getChunks(['d100#99', "d0#0"]))).toEqual(['d100#99', 'd0#0']);
  });
});
