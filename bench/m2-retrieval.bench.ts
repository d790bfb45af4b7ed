// `pnpm bench m2-retrieval`: long-document retrieval with sift-m2-mini (or SIFT_M2_MODEL=<folder>): documents are the
// held-out Moby-Dick chapters (101–135 + Epilogue) and State of the Union addresses (2012–2021), which no training of
// sift-m2-mini used; queries are sentences drawn from them (seeded), the relevant document is the one a sentence comes
// from. nDCG@10 of: whole-document M2 (one vector per document), late-chunked M2 (one pass per document, each chunk's
// vector pooled from its token states; document score = best chunk), the same M2 chunks embedded one by one (no
// document context), and USE-lite chunk-then-max-pool. Chunks: recursive, 256 cl100k tokens.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createChunker } from '@sift/chunkers';
import { cosine, createEmbedder, seededRandom, sentenceOffsets, supportsLateChunking, type Chunk, type Embedder } from '@sift/core';
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

function sampleQueries(docs: Doc[], perDoc: number, seed: number): Array<{ text: string; doc: string }> {
  const r = seededRandom(seed);
  return docs.flatMap((d) => {
    const o = sentenceOffsets(d.text);
    const sents: string[] = [];
    for (let i = 0; i < o.length; i += 2) {
      const s = d.text.slice(o[i], o[i + 1]).replace(/\s+/g, ' ').trim();
      const words = s.split(' ').length;
      if (words >= 10 && words <= 40) sents.push(s);
    }
    const picked: string[] = [];
    while (picked.length < Math.min(perDoc, sents.length)) {
      const s = sents[Math.floor(r() * sents.length)]!;
      if (!picked.includes(s)) picked.push(s);
    }
    return picked.map((text) => ({ text, doc: d.id }));
  });
}

/** nDCG@10 with one relevant document per query. */
function ndcg10(scores: Map<string, number>[], queries: Array<{ doc: string }>): number {
  let sum = 0;
  queries.forEach((q, i) => {
    const ranked = [...scores[i]!.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const rank = ranked.indexOf(q.doc);
    if (rank >= 0 && rank < 10) sum += 1 / Math.log2(rank + 2);
  });
  return sum / queries.length;
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
    const chunker = await createChunker({ chunker: 'recursive', size: 256, overlap: 0, tokenizer: 'cl100k' });
    const chunks = new Map<string, Chunk[]>();
    for (const d of docs) {
      const cs: Chunk[] = [];
      for await (const c of chunker.chunk({ id: d.id, text: d.text, metadata: {} })) cs.push(c);
      chunks.set(d.id, cs);
    }
    const nChunks = [...chunks.values()].reduce((a, c) => a + c.length, 0);
    log(`m2-retrieval: ${docs.length} documents, ${nChunks} chunks, ${queries.length} queries`);
    const model = process.env['SIFT_M2_MODEL'] ?? 'sift-m2-mini';
    const results: Record<string, number> = {};
    const m2 = await createEmbedder(model, { device: 'cpu' });
    try {
      if (!supportsLateChunking(m2)) throw new Error(`${model} does not support late chunking`);
      const qv = await m2.embed(queries.map((q) => q.text));
      log('m2-retrieval: whole documents…');
      const whole = new Map<string, Float32Array[]>();
      for (const d of docs) whole.set(d.id, await m2.embed([d.text]));
      results['m2Whole'] = ndcg10(maxPool(qv, whole), queries);
      log('m2-retrieval: late chunking…');
      const late = new Map<string, Float32Array[]>();
      for (const d of docs) late.set(d.id, await m2.embedSpans(d.text, chunks.get(d.id)!));
      results['m2LateChunks'] = ndcg10(maxPool(qv, late), queries);
      log('m2-retrieval: chunks one by one…');
      const alone = new Map<string, Float32Array[]>();
      for (const d of docs) alone.set(d.id, await m2.embed(chunks.get(d.id)!.map((c) => c.text)));
      results['m2ChunksAlone'] = ndcg10(maxPool(qv, alone), queries);
    } finally {
      await m2.close?.();
    }
    log('m2-retrieval: USE-lite chunks…');
    const use: Embedder = await createEmbedder('use-lite');
    try {
      const qv = await use.embed(queries.map((q) => q.text));
      const vecs = new Map<string, Float32Array[]>();
      for (const d of docs) vecs.set(d.id, await use.embed(chunks.get(d.id)!.map((c) => c.text)));
      results['useLiteMaxPool'] = ndcg10(maxPool(qv, vecs), queries);
    } finally {
      await use.close?.();
    }
    const table = [
      `${docs.length} held-out documents (${nChunks} chunks of ≤256 cl100k tokens), ${queries.length} sentence queries; model ${model}`,
      '',
      mdTable(
        ['method', 'nDCG@10'],
        [
          ['M2 whole document (one vector, truncated at the model length)', results['m2Whole']!],
          ['M2 late chunking (chunk vectors from one pass over the document), max over chunks', results['m2LateChunks']!],
          ['M2 chunks embedded alone, max over chunks', results['m2ChunksAlone']!],
          ['USE-lite chunks, max over chunks', results['useLiteMaxPool']!],
        ],
      ),
    ].join('\n');
    return { table, results: { documents: docs.length, chunks: nChunks, queries: queries.length, ndcg10: results } };
  },
} satisfies Bench;
