// `pnpm bench m2-retrieval`: long-document retrieval with sift-m2-mini (or SIFT_M2_MODEL=<folder>): documents are the
// held-out Moby-Dick chapters (101–135 + Epilogue) and State of the Union addresses (2012–2021), which no training of
// sift-m2-mini used; queries are sentences drawn from them (seeded), the relevant document is the one a sentence comes
// from; it is scored twice, with the sentence kept in its document and with it cut out (then only its surroundings can
// match). nDCG@10 of: whole-document M2 (one vector per document), late-chunked M2 (one pass per document, each chunk's
// vector pooled from its token states; document score = best chunk), the same M2 chunks embedded one by one (no
// document context), USE-lite chunk-then-max-pool, and USE-lite chunks each mixed with their document's mean vector (an
// oracle of what document context adds on this task). Chunks: recursive, 256 cl100k tokens (SIFT_BENCH_M2_CHUNK=n:
// another size; at 64 late chunking trailed chunks alone too).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createChunker } from '@sift/chunkers';
import { cosine, createEmbedder, normalize, seededRandom, sentenceOffsets, supportsLateChunking, type Chunk, type Embedder } from '@sift/core';
import { log, mdTable, workspaceRoot } from './_bench-utils.js';
import type { Bench } from './run.js';

interface Doc {
  id: string;
  text: string;
}

function heldOutDocuments(): Doc[] {
  const root = path.join(workspaceRoot(), 'node_modules', '@stdlib');
  const moby = path.join(root, 'datasets-moby-dick', 'data');
  const sotu = path.join(root, 'datasets-sotu', 'data');
  const chapters = readdirSync(moby)
    .filter((f) => /^chapter_\d+\.txt$/.test(f) && Number(/\d+/.exec(f)![0]) >= 101)
    .concat('epilogue.txt');
  const speeches = readdirSync(sotu)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .slice(-10);
  return [
    ...chapters.map((f) => ({ id: `moby/${f}`, text: readFileSync(path.join(moby, f), 'utf8') })),
    ...speeches.map((f) => ({ id: `sotu/${f}`, text: readFileSync(path.join(sotu, f), 'utf8') })),
  ];
}

interface Query {
  text: string;
  doc: string;
  /** The sentence's span in its document's text. */
  start: number;
  end: number;
}

function sampleQueries(docs: Doc[], perDoc: number, seed: number): Query[] {
  const r = seededRandom(seed);
  return docs.flatMap((d) => {
    const o = sentenceOffsets(d.text);
    const sents: Query[] = [];
    for (let i = 0; i < o.length; i += 2) {
      const s = d.text.slice(o[i], o[i + 1]).replace(/\s+/g, ' ').trim();
      const words = s.split(' ').length;
      if (words >= 10 && words <= 40) sents.push({ text: s, doc: d.id, start: o[i]!, end: o[i + 1]! });
    }
    const picked: Query[] = [];
    while (picked.length < Math.min(perDoc, sents.length)) {
      const s = sents[Math.floor(r() * sents.length)]!;
      if (!picked.some((p) => p.text === s.text)) picked.push(s);
    }
    return picked;
  });
}

/** The documents with every query sentence cut out of its text (the query is then about its context, not a copy). */
function withoutQueries(docs: Doc[], queries: readonly Query[]): Doc[] {
  return docs.map((d) => {
    const cuts = queries.filter((q) => q.doc === d.id).sort((a, b) => b.start - a.start);
    let text = d.text;
    for (const q of cuts) text = text.slice(0, q.start) + text.slice(q.end);
    return { id: d.id, text };
  });
}

/** Per query, nDCG@10 with its one relevant document. */
function ndcg10PerQuery(scores: Map<string, number>[], queries: Array<{ doc: string }>): number[] {
  return queries.map((q, i) => {
    const ranked = [...scores[i]!.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const rank = ranked.indexOf(q.doc);
    return rank >= 0 && rank < 10 ? 1 / Math.log2(rank + 2) : 0;
  });
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Late chunking against the same model's chunks embedded alone, paired by query: the mean difference, a 95 % paired
 * bootstrap interval (10,000 resamples of the queries, seeded) and how many queries each side wins.
 */
function pairedDifference(a: readonly number[], b: readonly number[]) {
  const d = a.map((x, i) => x - b[i]!);
  const r = seededRandom(20261202);
  const means: number[] = [];
  for (let k = 0; k < 10_000; k++) {
    let s = 0;
    for (let j = 0; j < d.length; j++) s += d[Math.floor(r() * d.length)]!;
    means.push(s / d.length);
  }
  means.sort((x, y) => x - y);
  return {
    mean: mean(d),
    ci95: [means[249]!, means[9749]!] as [number, number],
    better: d.filter((x) => x > 0).length,
    worse: d.filter((x) => x < 0).length,
    equal: d.filter((x) => x === 0).length,
  };
}

/** Each vector (unit length) plus the unit mean of its document's vectors, renormalised. */
function withDocumentMean(vs: readonly Float32Array[]): Float32Array[] {
  const units = vs.map((v) => normalize(v));
  const mean = new Float32Array(units[0]!.length);
  for (const u of units) u.forEach((x, i) => (mean[i] = mean[i]! + x));
  const m = normalize(mean);
  return units.map((u) => normalize(u.map((x, i) => x + m[i]!)));
}

/** Per query, each document's score: the best cosine over its vectors. */
function maxPool(queryVecs: Float32Array[], docVecs: Map<string, Float32Array[]>): Map<string, number>[] {
  return queryVecs.map((q) => new Map([...docVecs].map(([id, vs]) => [id, Math.max(...vs.map((v) => cosine(q, v)))])));
}

export default {
  name: 'm2-retrieval',
  description: 'held-out Moby-Dick/SOTU document retrieval: whole-document M2, late-chunked M2, per-chunk M2, USE-lite max-pool (nDCG@10)',
  async run({ quick }) {
    const docs = heldOutDocuments().slice(0, quick ? 12 : undefined);
    const queries = sampleQueries(docs, quick ? 2 : 3, 7);
    const model = process.env['SIFT_M2_MODEL'] ?? 'sift-m2-mini';
    const size = Number(process.env['SIFT_BENCH_M2_CHUNK'] ?? 256);
    const chunker = await createChunker({ chunker: 'recursive', size, overlap: 0, tokenizer: 'cl100k' });
    const m2 = await createEmbedder(model, { device: 'cpu' });
    const use: Embedder = await createEmbedder('use-lite');
    const qvM2 = await m2.embed(queries.map((q) => q.text));
    const qvUse = await use.embed(queries.map((q) => q.text));
    if (!supportsLateChunking(m2)) throw new Error(`${model} does not support late chunking`);
    const f3 = (x: number) => x.toFixed(3);

    // One setting: the documents as given (`in`: each query sentence is still in its document) or with the query
    // sentences cut out (`out`: a chunk can only match by what surrounds the sentence, which is what late chunking adds).
    const evaluate = async (setting: 'in' | 'out', texts: Doc[]) => {
      const chunks = new Map<string, Chunk[]>();
      for (const d of texts) {
        const cs: Chunk[] = [];
        for await (const c of chunker.chunk({ id: d.id, text: d.text, metadata: {} })) cs.push(c);
        chunks.set(d.id, cs);
      }
      const nChunks = [...chunks.values()].reduce((a, c) => a + c.length, 0);
      const results: Record<string, number> = {};
      const perQuery: Record<string, number[]> = {};
      const score = (key: string, s: Map<string, number>[]) => {
        perQuery[key] = ndcg10PerQuery(s, queries);
        results[key] = mean(perQuery[key]);
      };
      log(`m2-retrieval (${setting}): whole documents…`);
      const whole = new Map<string, Float32Array[]>();
      for (const d of texts) whole.set(d.id, await m2.embed([d.text]));
      score('m2Whole', maxPool(qvM2, whole));
      log(`m2-retrieval (${setting}): late chunking…`);
      const late = new Map<string, Float32Array[]>();
      for (const d of texts) late.set(d.id, await m2.embedSpans(d.text, chunks.get(d.id)!));
      score('m2LateChunks', maxPool(qvM2, late));
      log(`m2-retrieval (${setting}): chunks one by one…`);
      const alone = new Map<string, Float32Array[]>();
      for (const d of texts) alone.set(d.id, await m2.embed(chunks.get(d.id)!.map((c) => c.text)));
      score('m2ChunksAlone', maxPool(qvM2, alone));
      log(`m2-retrieval (${setting}): USE-lite chunks…`);
      const vecs = new Map<string, Float32Array[]>();
      for (const d of texts) vecs.set(d.id, await use.embed(chunks.get(d.id)!.map((c) => c.text)));
      score('useLiteMaxPool', maxPool(qvUse, vecs));
      // Roughly what document context adds on this task, with a better encoder: each USE-lite chunk vector plus its
      // document's mean chunk vector (weight 1; an oracle of "chunk in context", not a method Sift offers).
      score('useLiteWithDocumentMean', maxPool(qvUse, new Map([...vecs].map(([id, vs]) => [id, withDocumentMean(vs)]))));
      const lateMinusAlone = pairedDifference(perQuery['m2LateChunks']!, perQuery['m2ChunksAlone']!);
      const title =
        setting === 'in'
          ? `**Sentence kept in its document** (${nChunks} chunks)`
          : `**Sentence held out of its document** (cut from the text before chunking and embedding; ${nChunks} chunks)`;
      const table = [
        title,
        '',
        mdTable(
          ['method', 'nDCG@10'],
          [
            ['M2 whole document (one vector, truncated at the model length)', results['m2Whole']!],
            ['M2 late chunking (chunk vectors from one pass over the document), max over chunks', results['m2LateChunks']!],
            ['M2 chunks embedded alone, max over chunks', results['m2ChunksAlone']!],
            ['USE-lite chunks, max over chunks', results['useLiteMaxPool']!],
            ['USE-lite chunks + their document\'s mean chunk vector (context oracle), max over chunks', results['useLiteWithDocumentMean']!],
          ],
        ),
        '',
        `late chunking − chunks alone, paired by query: ${f3(lateMinusAlone.mean)} (95 % bootstrap interval ${f3(lateMinusAlone.ci95[0])} to ${f3(lateMinusAlone.ci95[1])}); ` +
          `late better on ${lateMinusAlone.better} queries, worse on ${lateMinusAlone.worse}, equal on ${lateMinusAlone.equal}`,
      ].join('\n');
      return { table, chunks: nChunks, ndcg10: results, lateMinusAlone };
    };

    try {
      log(`m2-retrieval: ${docs.length} documents, ${queries.length} queries`);
      const kept = await evaluate('in', docs);
      const heldOut = await evaluate('out', withoutQueries(docs, queries));
      const table = [`${docs.length} held-out documents (chunks of ≤${size} cl100k tokens), ${queries.length} sentence queries; model ${model}`, '', kept.table, '', heldOut.table].join('\n');
      return {
        table,
        results: {
          documents: docs.length,
          chunks: kept.chunks,
          queries: queries.length,
          ndcg10: kept.ndcg10,
          lateMinusAlone: kept.lateMinusAlone,
          heldOut: { chunks: heldOut.chunks, ndcg10: heldOut.ndcg10, lateMinusAlone: heldOut.lateMinusAlone },
        },
      };
    } finally {
      await m2.close?.();
      await use.close?.();
    }
  },
} satisfies Bench;
