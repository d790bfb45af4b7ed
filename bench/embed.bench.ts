// Embedders side by side on hotpotqa passages: USE-lite on TF.js WASM (use-lite-tfjs), the same graph converted to
// ONNX on onnxruntime (use-lite, the default) and the static embedder distilled from it (static). Throughput at batch
// 1/16/64 in passages/s (wall) and passages per CPU-second (robust on a loaded machine), the max abs difference of the
// ONNX vectors from the TF.js ones over every passage, the embedding cache (cold vs warm), and hotpotqa-100 recall of
// dense and hybrid retrieval with each embedder (TF.js with truncation at 128 tokens reproduces the earlier numbers).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CachedEmbedder, StaticEmbedder, UseLiteEmbedder, UseLiteOnnxEmbedder, staticUseLiteDir, type Chunk, type Embedder, type ScoredChunk } from '@sift/core';
import { Bm25Retriever, DenseRetriever, HybridRetriever } from '@sift/retrievers';
import { datasetsDir, log, mdTable, mean } from './_bench-utils.js';

const BATCHES = [1, 16, 64] as const;
const KS = [2, 5, 10] as const;

interface Question {
  question: string;
  gold: Set<string>;
}

/** hotpotqa-100: one passage per title ("title\nsentence sentence …", as the hotpot-retrieval bench builds them). */
function loadHotpot(): { chunks: Chunk[]; questions: Question[] } {
  const dir = path.join(datasetsDir(), 'hotpotqa-100');
  const qf = path.join(dir, 'hotpotqa_train.json');
  const cf = path.join(dir, 'hotpotqa_train_corpus.json');
  if (!existsSync(qf) || !existsSync(cf)) throw new Error(`embed bench needs ${qf} and ${cf} (see ../shared/datasets/MANIFEST.md)`);
  const corpus = JSON.parse(readFileSync(cf, 'utf8')) as Record<string, string[]>;
  const raw = JSON.parse(readFileSync(qf, 'utf8')) as Array<{ question: string; supporting_facts: Array<[string, number]> }>;
  const chunks = Object.entries(corpus).map(([title, sents]): Chunk => {
    const text = `${title}\n${sents.map((s) => s.trim()).filter((s) => s.length > 0).join(' ')}`;
    return { id: title, docId: title, text, start: 0, end: text.length, tokenCount: 0, metadata: { title } };
  });
  return { chunks, questions: raw.map((q) => ({ question: q.question, gold: new Set(q.supporting_facts.map(([t]) => t)) })) };
}

/** Wall and CPU seconds of embedding `texts` in calls of `batch` texts. */
async function timeEmbed(e: Embedder, texts: string[], batch: number): Promise<{ vectors: Float32Array[]; wallS: number; cpuS: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += batch) vectors.push(...(await e.embed(texts.slice(i, i + batch))));
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { vectors, wallS, cpuS: (c.user + c.system) / 1e6 };
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((v, i) => v.forEach((x, j) => (m = Math.max(m, Math.abs(x - b[i]![j]!)))));
  return m;
}

async function recall(embedder: Embedder, chunks: Chunk[], vectors: Float32Array[], qs: Question[]): Promise<Record<string, Record<string, number>>> {
  const bm25 = await Bm25Retriever.create(chunks);
  const dense = DenseRetriever.fromVectors(chunks, vectors, { backend: 'flat' }, embedder);
  const hybrid = HybridRetriever.create({ lexical: bm25, dense });
  const out: Record<string, Record<string, number>> = {};
  for (const [name, r] of [['dense', dense], ['hybrid', hybrid]] as const) {
    const runs: ScoredChunk[][] = [];
    for (const q of qs) runs.push(await r.retrieve(q.question, 10));
    out[name] = Object.fromEntries(KS.map((k) => [`recall@${k}`, mean(runs.map((h, i) => h.slice(0, k).filter((x) => qs[i]!.gold.has(x.id)).length / qs[i]!.gold.size))]));
  }
  return out;
}

export default {
  name: 'embed',
  description: 'use-lite on TF.js vs ONNX vs static: passages/s at batch 1/16/64 on hotpotqa passages, max abs diff ONNX vs TF.js, cache, hotpotqa-100 recall',
  async run(opts: { quick: boolean; json: boolean }) {
    const { chunks, questions } = loadHotpot();
    const n = opts.quick ? 100 : 500;
    const passages = chunks.slice(0, n).map((c) => c.text);
    const load0 = loadavg()[0]!;
    log(`embed: ${passages.length} hotpotqa passages; load average ${load0.toFixed(1)} on ${cpus().length} CPUs`);

    let t = performance.now();
    const tfjs = await UseLiteEmbedder.create({ batchSize: 64 });
    const tfjsLoadMs = performance.now() - t;
    t = performance.now();
    const onnx = await UseLiteOnnxEmbedder.create({ batchSize: 64 });
    const onnxLoadMs = performance.now() - t;
    const hasStatic = staticUseLiteDir() !== undefined;
    const stat = hasStatic ? await StaticEmbedder.create() : undefined;
    const tokens = passages.map((p) => onnx.tokenize(p).length);
    const systems: Array<[string, Embedder]> = [['tfjs', tfjs], ['onnx', onnx], ...(stat ? [['static', stat] as [string, Embedder]] : [])];
    for (const [, e] of systems) await e.embed(passages.slice(0, 4)); // warm-up (WASM kernels, session arenas)

    const rows: Array<{ embedder: string; batch: number; passagesPerSec: number; passagesPerCpuSec: number }> = [];
    const last: Record<string, Float32Array[]> = {};
    for (const b of BATCHES) {
      for (const [name, e] of systems) {
        const r = await timeEmbed(e, passages, b);
        rows.push({ embedder: name, batch: b, passagesPerSec: passages.length / r.wallS, passagesPerCpuSec: passages.length / r.cpuS });
        last[name] = r.vectors;
        log(`embed: ${name} batch ${b}: ${(passages.length / r.wallS).toFixed(1)} passages/s (${(passages.length / r.cpuS).toFixed(1)} per CPU-s)`);
      }
    }
    const diff = maxAbsDiff(last['onnx']!, last['tfjs']!);
    const best = (name: string, key: 'passagesPerSec' | 'passagesPerCpuSec') => Math.max(...rows.filter((r) => r.embedder === name).map((r) => r[key]));
    const passagesPerSecond = Object.fromEntries(systems.map(([name]) => [name, best(name, 'passagesPerSec')]));
    const passagesPerCpuSecond = Object.fromEntries(systems.map(([name]) => [name, best(name, 'passagesPerCpuSec')]));

    // Cache: a cold pass embeds (ONNX) and stores, a warm pass only reads the files.
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'sift-embcache-'));
    let cache: { coldPerSec: number; warmPerSec: number; hitRate: number; entries: number; lastLine: string };
    // Owns `onnx` (closing it closes both), so it is closed at the end, after the recall runs below use `onnx`.
    let cached: CachedEmbedder | undefined;
    try {
      const lines: string[] = [];
      cached = await CachedEmbedder.create({ embedder: onnx, dir: cacheDir, info: (m) => lines.push(m) });
      let c = performance.now();
      await cached.embed(passages);
      const cold = passages.length / ((performance.now() - c) / 1000);
      c = performance.now();
      await cached.embed(passages);
      const warm = passages.length / ((performance.now() - c) / 1000);
      const st = cached.stats();
      cache = { coldPerSec: cold, warmPerSec: warm, hitRate: st.hitRate, entries: st.entries, lastLine: lines.at(-1) ?? '' };
    } catch (err) {
      await cached?.close();
      rmSync(cacheDir, { recursive: true, force: true });
      throw err;
    }

    // hotpotqa-100 recall with each embedder over all passages. TF.js truncating at 128 tokens is what the earlier
    // numbers used (the graph drops later tokens); the ONNX default windows long passages instead.
    const recallRows: Array<Array<string | number>> = [];
    const recalls: Record<string, Record<string, Record<string, number>>> = {};
    if (!opts.quick) {
      const all = chunks.map((c) => c.text);
      // TF.js over all 994 passages costs minutes of CPU on a shared machine, so it is opt-in (SIFT_BENCH_TFJS_RECALL=1);
      // without it, ONNX-with-truncation is compared with the TF.js numbers measured before (same vectors, see maxAbsDiff).
      const withTfjs = process.env['SIFT_BENCH_TFJS_RECALL'] === '1';
      const tfjsTrunc = withTfjs ? await UseLiteEmbedder.create({ batchSize: 64, longText: 'truncate', warn: () => {} }) : undefined;
      const onnxTrunc = await UseLiteOnnxEmbedder.create({ batchSize: 64, longText: 'truncate', warn: () => {} });
      const variants: Array<[string, Embedder]> = [
        ...(tfjsTrunc ? [['use-lite-tfjs, truncate at 128', tfjsTrunc] as [string, Embedder]] : []),
        ['use-lite onnx, truncate at 128', onnxTrunc],
        ['use-lite onnx, windows (default)', onnx],
        ...(stat ? [['static', stat] as [string, Embedder]] : []),
      ];
      const vecs: Record<string, Float32Array[]> = {};
      for (const [name, e] of variants) {
        vecs[name] = await e.embed(all);
        recalls[name] = await recall(e, chunks, vecs[name]!, questions);
        for (const kind of ['dense', 'hybrid']) {
          const s = recalls[name]![kind]!;
          recallRows.push([name, kind, s['recall@2']!, s['recall@5']!, s['recall@10']!]);
        }
        log(`embed: recall with ${name}: ${JSON.stringify(recalls[name])}`);
      }
      if (tfjsTrunc) recalls['maxAbsDiffTruncatedCorpus'] = { onnxVsTfjs: { all: maxAbsDiff(vecs['use-lite onnx, truncate at 128']!, vecs['use-lite-tfjs, truncate at 128']!) } };
      else recallRows.unshift(['use-lite-tfjs, truncate at 128 (measured before, hotpot-retrieval bench)', 'dense', 0.365, 0.52, 0.665], ['use-lite-tfjs, truncate at 128 (measured before, hotpot-retrieval bench)', 'hybrid', 0.595, 0.81, 0.905]);
      const long = all.filter((p) => onnx.tokenize(p).length > 128).length;
      recalls['corpus'] = { passages: { all: all.length, longerThan128Tokens: long } };
      await Promise.all([tfjsTrunc?.close(), onnxTrunc.close()]);
    }
    await cached?.close();
    rmSync(cacheDir, { recursive: true, force: true });
    await Promise.all(systems.map(([, e]) => e.close?.()));
    const load1 = loadavg()[0]!;

    const meanTokens = mean(tokens);
    const long = tokens.filter((x) => x > 128).length;
    const table =
      `${passages.length} hotpotqa passages, mean ${meanTokens.toFixed(1)} SentencePiece tokens, ${long} longer than the 128-token window (windowed); ` +
      `model load: TF.js ${tfjsLoadMs.toFixed(0)} ms, ONNX (converted in memory) ${onnxLoadMs.toFixed(0)} ms. ` +
      `Load average ${load0.toFixed(1)} → ${load1.toFixed(1)} on ${cpus().length} CPUs (shared machine: per-CPU-second rates are the steadier comparison).\n\n` +
      mdTable(['embedder', 'batch', 'passages/s (wall)', 'passages per CPU-s'], rows.map((r) => [r.embedder, r.batch, r.passagesPerSec, r.passagesPerCpuSec])) +
      `\n\nBest batch: passages/s ${JSON.stringify(passagesPerSecond)}; ONNX ÷ TF.js ${(passagesPerSecond['onnx']! / passagesPerSecond['tfjs']!).toFixed(1)}× wall, ` +
      `${(passagesPerCpuSecond['onnx']! / passagesPerCpuSecond['tfjs']!).toFixed(1)}× per CPU-s` +
      (stat ? `; static ÷ TF.js ${(passagesPerSecond['static']! / passagesPerSecond['tfjs']!).toFixed(0)}×` : '') +
      `. Max abs diff ONNX vs TF.js over ${passages.length} passages: ${diff.toExponential(2)}.\n\n` +
      mdTable(
        ['embedding cache (ONNX)', 'passages/s', 'hit rate after both passes'],
        [
          ['cold pass (embed + append)', cache.coldPerSec, ''],
          [`warm pass (read from disk): "${cache.lastLine}"`, cache.warmPerSec, cache.hitRate],
        ],
      ) +
      (recallRows.length > 0 ? `\n\nhotpotqa-100 (994 passages, 100 questions), hybrid with Sift's default fusion:\n\n${mdTable(['embedder', 'retriever', 'recall@2', 'recall@5', 'recall@10'], recallRows)}` : '');
    return {
      table,
      results: {
        passagesPerSecond,
        passagesPerCpuSecond,
        maxAbsDiff: diff,
        passages: passages.length,
        meanTokens,
        longerThanWindow: long,
        loadAverage: [load0, load1],
        cpus: cpus().length,
        loadMs: { tfjs: tfjsLoadMs, onnx: onnxLoadMs },
        batches: rows,
        cache,
        recall: recalls,
      },
    };
  },
};
