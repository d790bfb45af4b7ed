// InfiniRetri on needle-in-a-haystack (the eval's generator, Paul Graham essays by default): is the needle's sentence
// in the retained set, per length × depth, with sift-lm-mini (or $SIFT_INFINIRETRI_LM); next to BM25 at the same token
// budget (InfiniRetri's retained cl100k tokens) over the same sentences and over ~64-token chunks of them. Prints LM
// tokens/s and peak RSS. Lengths: $SIFT_BENCH_NIAH_LENGTHS (default 4096,32768; --quick 4096), haystack:
// $SIFT_BENCH_NIAH_HAYSTACK (paul-graham | moby-dick), needle: $SIFT_BENCH_NIAH_KIND (single | multikey), depths:
// $SIFT_BENCH_NIAH_DEPTHS (default 0,25,50,75,100; one depth at 1M tokens is a ~35-minute throughput run on one core).
// Throughput is also given per CPU-second of this process, which a shared machine does not distort.
import { createTokenizer, OnnxCausalLM, type Chunk } from '@sift/core';
import { generateNiah, loadHaystack, type NiahSample } from '@sift/eval';
import { Bm25Retriever, InfiniRetri, infiniSentenceSpans, streamSentences } from '@sift/retrievers';
import type { Bench } from './run.js';
import { datasetsDir, log, mdTable } from './_bench-utils.js';

const DEPTHS = (process.env['SIFT_BENCH_NIAH_DEPTHS'] ?? '0,25,50,75,100').split(',').map(Number);

interface CellResult {
  length: number;
  depth: number;
  infini: boolean;
  bm25Sentences: boolean;
  bm25Chunks: boolean;
  budget: number;
  lmTokens: number;
  seconds: number;
  cpuSeconds: number;
}

const covers = (units: Array<{ start: number; end: number }>, s: NiahSample) =>
  s.gold.every((g) => units.some((u) => u.start <= g.start && g.end <= u.end));

/** Top units of a BM25 ranking until `budget` cl100k tokens are taken (at least one). */
async function bm25AtBudget(units: Chunk[], question: string, budget: number): Promise<Chunk[]> {
  const bm25 = await Bm25Retriever.create(units);
  const ranked = await bm25.retrieve(question, units.length);
  const out: Chunk[] = [];
  let used = 0;
  for (const c of ranked) {
    if (out.length > 0 && used + c.tokenCount > budget) break;
    out.push(c);
    used += c.tokenCount;
  }
  return out;
}

const bench: Bench = {
  name: 'infiniretri',
  description: 'InfiniRetri NIAH grid (needle sentence retained) vs BM25 at the same token budget; LM tokens/s; peak RSS',
  async run({ quick }) {
    const lengths = (process.env['SIFT_BENCH_NIAH_LENGTHS'] ?? (quick ? '4096' : '4096,32768')).split(',').map(Number);
    const haystackName = process.env['SIFT_BENCH_NIAH_HAYSTACK'] ?? 'paul-graham';
    const lmName = process.env['SIFT_INFINIRETRI_LM'] ?? 'sift-lm-mini';
    const kind = (process.env['SIFT_BENCH_NIAH_KIND'] ?? 'single') as 'single' | 'multikey';
    const counter = await createTokenizer('cl100k');
    const haystack = await loadHaystack(haystackName, datasetsDir());
    const samples = generateNiah(haystack, counter, { lengths, depths: DEPTHS, samples: 1, seed: 42, kind });
    const lm = await OnnxCausalLM.create({ model: lmName, threads: 1 });
    const reader = new InfiniRetri(lm);
    const results: CellResult[] = [];
    try {
      for (const s of samples) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const r = await reader.run(s.question, streamSentences(s.document.text, s.document.id));
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(c0);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        const budget = r.retained.reduce((a, x) => a + counter.count(x.text), 0);
        const sentences: Chunk[] = infiniSentenceSpans(s.document.text).map(([a, b], i) => {
          const text = s.document.text.slice(a, b);
          return { id: `s${i}`, docId: s.document.id, text, start: a, end: b, tokenCount: counter.count(text), metadata: {} };
        });
        const chunks: Chunk[] = [];
        for (const x of sentences) {
          const last = chunks.at(-1);
          if (last && last.tokenCount + x.tokenCount <= 64) {
            last.text = s.document.text.slice(last.start, x.end);
            last.end = x.end;
            last.tokenCount += x.tokenCount;
          } else chunks.push({ ...x, id: `c${chunks.length}` });
        }
        const cell: CellResult = {
          length: s.length,
          depth: s.depth,
          infini: covers(r.retained, s),
          bm25Sentences: covers(await bm25AtBudget(sentences, s.question, budget), s),
          bm25Chunks: covers(await bm25AtBudget(chunks, s.question, budget), s),
          budget,
          lmTokens: r.tokensRead,
          seconds,
          cpuSeconds,
        };
        results.push(cell);
        log(`infiniretri: ${s.id} infini=${cell.infini} bm25(sent)=${cell.bm25Sentences} bm25(64)=${cell.bm25Chunks} budget=${budget} ${(r.tokensRead / seconds).toFixed(0)} tok/s`);
      }
    } finally {
      await lm.close();
    }
    const grid = (pick: (c: CellResult) => boolean) =>
      lengths.map((len) => [String(len), ...DEPTHS.map((d) => results.filter((c) => c.length === len && c.depth === d).map((c) => (pick(c) ? '1' : '0')).join('')), mean(results.filter((c) => c.length === len).map((c) => (pick(c) ? 1 : 0)))]);
    const header = ['tokens (cl100k)', ...DEPTHS.map((d) => `${d}%`), 'mean'];
    const lmTok = results.reduce((a, c) => a + c.lmTokens, 0);
    const secs = results.reduce((a, c) => a + c.seconds, 0);
    const cpuSecs = results.reduce((a, c) => a + c.cpuSeconds, 0);
    const table = [
      `haystack ${haystackName}, needle ${kind}, 1 context per cell, LM ${lmName}; 1 = the needle's sentence is retained`,
      `### infiniretri (${lmName})`,
      mdTable(header, grid((c) => c.infini)),
      '### BM25 over the same sentences, at InfiniRetri\'s retained token budget',
      mdTable(header, grid((c) => c.bm25Sentences)),
      '### BM25 over ~64-token chunks, same budget',
      mdTable(header, grid((c) => c.bm25Chunks)),
      mdTable(
        ['retained budget (cl100k tokens, mean)', 'LM tokens read', 'seconds', 'LM tokens/s', 'CPU seconds', 'LM tokens per CPU-second', 'peak RSS MB'],
        [[mean(results.map((c) => c.budget)), lmTok, secs, lmTok / secs, cpuSecs, lmTok / cpuSecs, process.resourceUsage().maxRSS / 1024]],
      ),
    ].join('\n\n');
    return { table, results };
  },
};

function mean(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export default bench;
