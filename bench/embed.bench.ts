// Throughput of the default embedder (USE-lite on TensorFlow.js WASM) at batch 1/8/32 on the Paul Graham essays'
// sentences, plus the on-disk embedding cache (cold pass vs warm pass, hit rate).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CachedEmbedder, UseLiteEmbedder } from '@sift/core';
import { datasetsDir, log, mdTable } from './_bench-utils.js';

const BATCHES = [1, 8, 32];

/** Sentences of the essays in file-name order (Intl.Segmenter), at least 3 words each. */
export function essaySentences(limit: number): string[] {
  const dir = path.join(datasetsDir(), 'paul-graham-essays');
  if (!existsSync(dir)) throw new Error(`embed bench needs ${dir} (see ../shared/datasets/MANIFEST.md)`);
  const seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
    for (const { segment } of seg.segment(readFileSync(path.join(dir, f), 'utf8'))) {
      const s = segment.replace(/\s+/g, ' ').trim();
      if (s.split(' ').length >= 3) out.push(s);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

export default {
  name: 'embed',
  description: 'sentences/s of the default embedder (USE-lite) at batch 1/8/32 on the essays’ sentences; embedding-cache hit rate',
  async run(opts: { quick: boolean; json: boolean }) {
    const n = opts.quick ? 128 : 1024;
    const sentences = essaySentences(n);
    log(`embed: ${sentences.length} sentences`);
    const tLoad = performance.now();
    const e = await UseLiteEmbedder.create({ batchSize: 32 });
    const loadMs = performance.now() - tLoad;
    const tokens = sentences.map((s) => e.tokenize(s).length);
    await e.embed(sentences.slice(0, 8)); // warm-up: first call compiles WASM kernels
    const rows: Array<{ batch: number; sentencesPerSec: number; msPerSentence: number }> = [];
    for (const b of BATCHES) {
      const t = performance.now();
      for (let i = 0; i < sentences.length; i += b) await e.embed(sentences.slice(i, i + b));
      const s = (performance.now() - t) / 1000;
      rows.push({ batch: b, sentencesPerSec: sentences.length / s, msPerSentence: (1000 * s) / sentences.length });
      log(`embed: batch ${b}: ${(sentences.length / s).toFixed(1)} sentences/s`);
    }

    // Cache: a cold pass embeds and stores, a warm pass only reads the file.
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-embcache-'));
    let cache: { coldPerSec: number; warmPerSec: number; hitRate: number; entries: number };
    try {
      const cached = await CachedEmbedder.create({ embedder: e, dir });
      let t = performance.now();
      await cached.embed(sentences);
      const cold = sentences.length / ((performance.now() - t) / 1000);
      t = performance.now();
      await cached.embed(sentences);
      const warm = sentences.length / ((performance.now() - t) / 1000);
      const st = cached.stats();
      cache = { coldPerSec: cold, warmPerSec: warm, hitRate: st.hitRate, entries: st.entries };
      await cached.close(); // closes the embedder too
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const meanTokens = tokens.reduce((a, b) => a + b, 0) / tokens.length;
    const table =
      `USE-lite (512-d, TF.js WASM backend, ${sentences.length} essay sentences, mean ${meanTokens.toFixed(1)} SentencePiece tokens); ` +
      `model load ${loadMs.toFixed(0)} ms. No ONNX conversion of USE-lite (no tf2onnx offline), so one runtime only.\n\n` +
      mdTable(['batch', 'sentences/s', 'ms/sentence'], rows.map((r) => [r.batch, r.sentencesPerSec, r.msPerSentence])) +
      '\n\n' +
      mdTable(
        ['embedding cache', 'sentences/s', 'hit rate after both passes'],
        [
          ['cold pass (embed + append)', cache.coldPerSec, ''],
          ['warm pass (read from disk)', cache.warmPerSec, cache.hitRate],
        ],
      );
    return { table, results: { model: 'use-lite', runtime: 'tfjs-wasm', sentences: sentences.length, meanTokens, loadMs, batches: rows, cache } };
  },
};
