import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashEmbedder, sentenceChunker } from '../sift-index/__fixtures__/crash-writer.js';
import { SiftIndex } from '../sift-index/sift-index.js';
import { BUCKET } from './__fixtures__/local-s3-server.js';
import { useLocalS3 } from './__fixtures__/use-local-s3.js';
import { runShardProcess } from './__fixtures__/run-shard-process.js';
import { corpus, QUERIES, runShard } from './__fixtures__/shard-worker.js';
import { RemoteIndex } from './remote-index.js';

// Against a real S3-compatible server on 127.0.0.1 (s3rver, started here; never an outside network): index → query
// → add; four concurrent worker processes writing one dataset by shard; a worker killed between its chunk and
// document commits, then re-run. Every check compares contents and rankings, never timings; the generous
// timeouts only guard against a hang on a loaded machine (each worker is a node process loading LanceDB).

const suite = useLocalS3('sift-remote-');

const uri = (name: string) => `s3://${BUCKET}/${name}`;
const open = (name: string) => RemoteIndex.open(uri(name), { storageOptions: suite.s3!.storageOptions, onWarn: () => {} });

interface Contents {
  documents: string[];
  chunks: string[];
}

/** Every document (id + sha256) and chunk (id, offsets, text) of a LanceDB documents/chunks pair, sorted. */
async function contentsOf(tables: { documents: import('@lancedb/lancedb').Table; chunks: import('@lancedb/lancedb').Table }): Promise<Contents> {
  const docs = (await tables.documents.query().select(['id', 'sha256']).toArray()) as Array<{ id: string; sha256: string }>;
  const chunks = (await tables.chunks.query().select(['id', 'docId', 'start', 'end', 'text']).toArray()) as Array<Record<string, unknown>>;
  return {
    documents: docs.map((d) => `${d.id} ${d.sha256}`).sort(),
    chunks: chunks.map((c) => `${c.id} ${c.docId} ${c.start}-${c.end} ${c.text}`).sort(),
  };
}

async function remoteContents(name: string): Promise<Contents> {
  const index = await open(name);
  try {
    const t = (index as unknown as { tables: Parameters<typeof contentsOf>[0] }).tables;
    return await contentsOf(t);
  } finally {
    await index.close();
  }
}

type Rankings = Record<string, Array<Array<[string, number]>>>;

async function rankings(index: { retriever(spec: string, deps: object): Promise<import('@sift/core').Retriever> }, specs: string[]): Promise<Rankings> {
  const out: Rankings = {};
  for (const spec of specs) {
    const r = await index.retriever(spec, { embedder: hashEmbedder });
    out[spec] = [];
    for (const q of QUERIES) out[spec].push((await r.retrieve(q, 10)).map((h) => [h.id, Number(h.score.toFixed(5))]));
  }
  return out;
}

async function remoteRankings(name: string): Promise<Rankings> {
  const index = await open(name);
  try {
    return await rankings(index, ['bm25', 'dense', 'hybrid', 'graph:bm25', 'graph:hybrid']);
  } finally {
    await index.close();
  }
}

let single: Promise<{ contents: Contents; rankings: Rankings }> | undefined;

/** The same corpus through one in-process worker, finalized: the reference every sharded run must equal (built once). */
function reference(): Promise<{ contents: Contents; rankings: Rankings }> {
  single ??= (async () => {
    await runShard(uri('single'), '0/1', 'A', 16, suite.s3!.storageOptions);
    const index = await open('single');
    await index.finalize();
    await index.close();
    return { contents: await remoteContents('single'), rankings: await remoteRankings('single') };
  })();
  return single;
}

async function finalize(name: string) {
  const index = await open(name);
  try {
    const result = await index.finalize();
    return { result, check: await index.check() };
  } finally {
    await index.close();
  }
}

describe('RemoteIndex on a local S3-compatible server', { timeout: 600_000 }, () => {
  it('indexes, answers, takes an add that replaces and adds documents, and refuses another chunker', async (ctx) => {
    const s3 = suite.s3;
    if (!s3) return ctx.skip(suite.skipReason);
    const warnings: string[] = [];
    // IVF-PQ from 256 chunks (the least LanceDB's PQ training takes), so the final finalize builds one.
    const index = await RemoteIndex.open(uri('basic'), { storageOptions: s3.storageOptions, settings: { vectorIndexAbove: 256 }, onWarn: (m) => warnings.push(m) });
    try {
      expect(index.exists).toBe(false);
      const a = await index.add(corpus('A'), { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 32 });
      expect(a).toMatchObject({ added: 48, replaced: 0, skipped: 0, removedOrphans: 0 });
      // The first query builds the indexes the workers never built, and says so once.
      const bm25 = await index.retriever('bm25');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/no full-text index yet/);
      const hits = await bm25.retrieve(QUERIES[0]!, 5);
      expect(hits.length).toBeGreaterThan(0);
      for (const h of hits) expect(h.text.toLowerCase()).toContain(QUERIES[0]);
      const docA = corpus('A').find((d) => d.id === 'doc-3')!;
      const [chunk] = await index.getChunks([hits[0]!.id]);
      expect(chunk).toMatchObject({ id: hits[0]!.id, text: hits[0]!.text });

      const b = await index.add(corpus('B'), { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 32 });
      expect(b).toMatchObject({ added: 12, replaced: 2, skipped: 0 });
      const again = await index.add(corpus('B'), { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 32 });
      expect(again).toMatchObject({ added: 0, replaced: 0, skipped: 14, chunks: 0 });
      const fin = await index.finalize();
      expect(fin).toMatchObject({ documents: 60, orphanChunks: 0, duplicateChunks: 0 });
      expect(fin.chunks).toBeGreaterThanOrEqual(256);
      expect(fin.indexes).toMatchObject({ 'chunks.text': 'FTS', 'chunks.vector': 'IvfPq' });
      // Through the IVF-PQ index (refined by exact distance), a chunk's own text finds it.
      const dense = await index.retriever('dense', { embedder: hashEmbedder });
      const target = (await index.getChunks(['doc-20#1']))[0]!;
      expect((await dense.retrieve(target.text, 3)).map((h) => h.id)).toContain('doc-20#1');
      // The replaced document's old text is gone, its new text is found.
      const newDoc3 = corpus('B').find((d) => d.id === 'doc-3')!;
      const doc3 = (await index.getChunks(['doc-3#0']))[0]!;
      expect(newDoc3.text.startsWith(doc3.text)).toBe(true);
      expect(docA.text.startsWith(doc3.text)).toBe(false);
      await expect(index.add(corpus('B'), { chunker: { ...sentenceChunker, name: 'other' }, embedder: hashEmbedder })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
      // Built without --graph: a graph query says how to get one.
      await expect(index.retriever('graph:bm25')).rejects.toMatchObject({ code: 'E_INDEX_MISSING', message: expect.stringMatching(/has no entity graph.*--graph/) });
      await expect(index.retriever('infiniretri:bm25')).rejects.toMatchObject({ code: 'E_UNKNOWN_COMPONENT' });
      expect(index.manifest.shards.map((s) => s.shard)).toEqual(['0/1', '0/1', '0/1']);
    } finally {
      await index.close();
    }
  });

  it('a create that lost the race and lands late (as an overwrite) costs nothing before the first write, and is named after it', async (ctx) => {
    const s3 = suite.s3;
    if (!s3) return ctx.skip(suite.skipReason);
    const { connect } = await import('@lancedb/lancedb');
    const other = await connect(uri('late-create'), { storageOptions: s3.storageOptions });
    const index = await RemoteIndex.open(uri('late-create'), { storageOptions: s3.storageOptions, settings: { createSettleMs: 8000 }, onWarn: () => {} });
    try {
      const adding = index.add(corpus('A'), { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 32 });
      // As soon as this worker's tables are there, a second worker's create lands over each of them, inside the settle window.
      // (Polled by opening it: LanceDB's table listing does not see tables on this server.)
      for (let i = 0; !(await other.openTable('chunks').then(() => true, () => false)); i++) {
        if (i > 1000) throw new Error("the worker's chunks table never appeared");
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const name of ['manifest', 'documents', 'chunks']) {
        const schema = await (await other.openTable(name)).schema();
        await other.createEmptyTable(name, schema, { mode: 'overwrite' });
      }
      expect(await adding).toMatchObject({ added: 48, chunks: expect.any(Number) });
      expect(index.record).not.toBeNull();
      expect((await index.stats()).documents).toBe(48);

      // One landing after rows were written cannot be repaired here: the next write says so, naming what happened.
      const schema = await (await other.openTable('documents')).schema();
      await other.createEmptyTable('documents', schema, { mode: 'overwrite' });
      await expect(index.add(corpus('B'), { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 32 })).rejects.toMatchObject({ code: 'E_INDEX_CORRUPT', message: expect.stringMatching(/another writer replaced the table/) });
    } finally {
      await index.close();
      other.close();
    }
  });

  it('4 concurrent shard workers write the same documents, chunks and top-10s as one worker and as a local index', async (ctx) => {
    const s3 = suite.s3;
    if (!s3) return ctx.skip(suite.skipReason);
    const ref = await reference();
    const runs = await Promise.all([0, 1, 2, 3].map((i) => runShardProcess([uri('sharded'), `${i}/4`, 'A', '16'], s3!.env)));
    for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0 });
    const { result, check } = await finalize('sharded');
    expect(check).toEqual({ orphanChunks: 0, duplicateChunks: 0 });
    expect(result.documents).toBe(48);

    expect(await remoteContents('sharded')).toEqual(ref.contents);
    const sharded = await remoteRankings('sharded');
    expect(sharded).toEqual(ref.rankings);
    const index = await open('sharded');
    expect(index.manifest.shards.map((s) => s.shard).sort()).toEqual(['0/4', '1/4', '2/4', '3/4']);
    // The entity graph finalize stored (built in document-id order, so the order the workers wrote in does not matter).
    expect(index.manifest.graph).toMatchObject({ build: expect.any(String), passages: ref.contents.chunks.length });
    expect(sharded['graph:hybrid']!.every((top) => top.length === 10)).toBe(true);
    expect(index.manifest.shards.reduce((n, s) => n + s.added, 0)).toBe(48);
    await index.close();

    // A local folder index from the same input holds the same rows, and its exact dense search ranks the same.
    const dir = join(suite.tmp, 'local');
    const local = await SiftIndex.create(dir, { embedder: hashEmbedder, onWarn: () => {} });
    try {
      await local.add(corpus('A'), { chunker: sentenceChunker, embedder: hashEmbedder });
      expect(await contentsOf({ documents: local.lanceTable('documents'), chunks: local.lanceTable('chunks') })).toEqual(ref.contents);
      // Ties (the 16-d test vectors tie often) ordered by id, as the remote retrievers order them.
      const flat = await local.retriever({ retriever: 'dense', backend: 'flat' }, { embedder: hashEmbedder });
      const localDense: Array<Array<[string, number]>> = [];
      for (const q of QUERIES) {
        const hits = (await flat.retrieve(q, 20)).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
        localDense.push(hits.slice(0, 10).map((h) => [h.id, Number(h.score.toFixed(5))]));
      }
      expect(sharded.dense).toEqual(localDense);
    } finally {
      await local.close();
    }
  });

  it('a worker killed between its chunk and document commits is re-run: nothing lost or duplicated', async (ctx) => {
    const s3 = suite.s3;
    if (!s3) return ctx.skip(suite.skipReason);
    const ref = await reference();
    const runs = await Promise.all(
      [0, 1, 2, 3].map((i) => runShardProcess([uri('killed'), `${i}/4`, 'A', '16'], { ...s3!.env, ...(i === 1 ? { SIFT_CRASH_AT: '2' } : {}) })),
    );
    expect(runs[1], runs[1]!.stderr).toMatchObject({ signal: 'SIGKILL' });
    for (const i of [0, 2, 3]) expect(runs[i], runs[i]!.stderr).toMatchObject({ code: 0 });
    const broken = await open('killed');
    const before = await broken.check();
    await broken.close();
    // Its second batch's chunks are in, their document rows are not.
    expect(before.orphanChunks).toBeGreaterThan(0);
    expect(before.duplicateChunks).toBe(0);

    const rerun = await runShardProcess([uri('killed'), '1/4', 'A', '16'], s3.env);
    expect(rerun, rerun.stderr).toMatchObject({ code: 0 });
    const { result, check } = await finalize('killed');
    expect(check).toEqual({ orphanChunks: 0, duplicateChunks: 0 });
    expect(result.documents).toBe(48);
    const index = await open('killed');
    const shard1 = index.manifest.shards.filter((s) => s.shard === '1/4');
    await index.close();
    // One finished run of shard 1: the re-run removed what the killed run left and wrote it again.
    expect(shard1).toHaveLength(1);
    expect(shard1[0]!.removedOrphans).toBe(before.orphanChunks);
    expect(await remoteContents('killed')).toEqual(ref.contents);
    expect(await remoteRankings('killed')).toEqual(ref.rankings);
  });
});
