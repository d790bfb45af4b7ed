// hnswlib recall@10 against exact search at several ef, on seeded random 512-d vectors, with query latency next to
// LanceDB's flat (brute-force) search over the same vectors. Target: recall@10 ≥ 0.95 at the default ef.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Chunk } from '@sift/core';
import { createChunkTable, FlatIndex, HnswIndex, HnswOptionsSchema, LanceDenseRetriever, openLanceDb } from '@sift/retrievers';
import { gaussianVectors, log, mdTable, percentile } from './_bench-utils.js';

const DIM = 512;
const K = 10;
const EFS = [10, 100, 400, 800, 1600, 3200, 6400];

export default {
  name: 'ann',
  description: 'hnswlib-node recall@10 vs exact search at several ef (100k random 512-d; --quick 10k), query p50 next to LanceDB flat',
  async run(opts: { quick: boolean; json: boolean }) {
    const n = opts.quick ? 10_000 : 100_000;
    const nq = opts.quick ? 100 : 200;
    const defaults = HnswOptionsSchema.parse({});
    log(`ann: generating ${n} + ${nq} vectors (${DIM}-d, seeded)`);
    const data = gaussianVectors(n, DIM, 42);
    const queries = gaussianVectors(nq, DIM, 4242);
    const ids = data.map((_, i) => String(i));

    log('ann: exact ground truth (flat, cosine)');
    const flat = new FlatIndex(DIM, 'cosine', n);
    flat.add(ids, data);
    const flatMs: number[] = [];
    const truth = queries.map((q) => {
      const t = performance.now();
      const hits = flat.search(q, K);
      flatMs.push(performance.now() - t);
      return new Set(hits.map((h) => h.id));
    });

    log(`ann: building HNSW (M=${defaults.m}, efConstruction=${defaults.efConstruction})`);
    const hnsw = HnswIndex.create(DIM, { initialCapacity: 1024 });
    const tBuild = performance.now();
    for (let i = 0; i < n; i += 1000) hnsw.add(ids.slice(i, i + 1000), data.slice(i, i + 1000));
    const buildS = (performance.now() - tBuild) / 1000;

    const sweep = EFS.map((ef) => {
      const ms: number[] = [];
      let found = 0;
      queries.forEach((q, i) => {
        const t = performance.now();
        const hits = hnsw.search(q, K, { ef });
        ms.push(performance.now() - t);
        found += hits.filter((h) => truth[i]!.has(h.id)).length;
      });
      const row = { ef, recallAt10: found / (K * nq), p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95) };
      log(`ann: ef=${ef} recall@10=${row.recallAt10.toFixed(4)} p50=${row.p50Ms.toFixed(2)} ms`);
      return row;
    });

    log('ann: LanceDB flat over the same vectors');
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-ann-'));
    let lance: { p50Ms: number; p95Ms: number; recallAt10: number; loadS: number };
    try {
      const db = await openLanceDb(dir);
      const chunks: Chunk[] = ids.map((id) => ({ id, docId: 'd', text: '', start: 0, end: 0, tokenCount: 0, metadata: {} }));
      const tLoad = performance.now();
      const table = await createChunkTable(db, 'chunks', chunks, data);
      const loadS = (performance.now() - tLoad) / 1000;
      const r = await LanceDenseRetriever.open(table, { index: 'flat' });
      const ms: number[] = [];
      let found = 0;
      for (let i = 0; i < nq; i++) {
        const t = performance.now();
        const hits = await r.searchVector(queries[i]!, K);
        ms.push(performance.now() - t);
        found += hits.filter((h) => truth[i]!.has(h.id)).length;
      }
      lance = { p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), recallAt10: found / (K * nq), loadS };
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const atDefault = sweep.find((s) => s.ef === defaults.ef);
    const rows = [
      ...sweep.map((s) => [`hnswlib ef=${s.ef}${s.ef === defaults.ef ? ' (default)' : ''}`, s.recallAt10, s.p50Ms, s.p95Ms]),
      ['exact (Sift FlatIndex, JS)', 1, percentile(flatMs, 50), percentile(flatMs, 95)],
      ['LanceDB flat (brute force)', lance.recallAt10, lance.p50Ms, lance.p95Ms],
    ];
    const table =
      `${n} random ${DIM}-d vectors, ${nq} queries, k=${K}, cosine; HNSW M=${defaults.m} efConstruction=${defaults.efConstruction}, ` +
      `build ${buildS.toFixed(1)} s; LanceDB load ${lance.loadS.toFixed(1)} s\n\n` +
      mdTable(['search', 'recall@10', 'p50 ms', 'p95 ms'], rows);
    return {
      table,
      results: {
        n, dim: DIM, queries: nq, k: K, m: defaults.m, efConstruction: defaults.efConstruction, defaultEf: defaults.ef,
        buildSeconds: buildS, sweep, exact: { p50Ms: percentile(flatMs, 50) }, lanceFlat: lance,
        recallAtDefaultEf: atDefault?.recallAt10, meetsTarget: (atDefault?.recallAt10 ?? 0) >= 0.95,
      },
    };
  },
};
