// Meta-Chunking's ppl chunker against the semantic chunker on the same documents, each with its default model
// (ppl: its default LM; semantic: the use-lite embedder the pipeline gives it), side by side: chunking wall time,
// sentences/s overall, and tokens/s of the LM pass alone. Models load before timing (load time reported apart).
// Documents: the HotpotQA-100 long documents of the chunking eval (each question's 10 passages joined by blank
// lines), or the first 20 with --quick.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createChunker, DEFAULT_PPL_LM, loadMetaLm, sentenceNlls } from '@sift/chunkers';
import { collect, createEmbedder, sentenceOffsets, type Chunker, type Document, type TokenLogprobModel } from '@sift/core';
import type { Bench } from './run.js';
import { datasetsDir, log, mdTable } from './_bench-utils.js';

function hotpotDocuments(limit: number): Document[] {
  const dir = path.join(datasetsDir(), 'hotpotqa-100');
  const corpus = JSON.parse(readFileSync(path.join(dir, 'hotpotqa_train_corpus.json'), 'utf8')) as Record<string, string[]>;
  const questions = JSON.parse(readFileSync(path.join(dir, 'hotpotqa_train.json'), 'utf8')) as Array<{ _id: string; context: Array<[string, string[]]> }>;
  return questions.slice(0, limit).map((q) => ({
    id: q._id,
    text: q.context.map(([title]) => `${title}\n${corpus[title]!.join(' ')}`).join('\n\n'),
    metadata: {},
  }));
}

async function timeChunker(chunker: Chunker, docs: Document[], runs: number): Promise<{ ms: number; chunks: number }> {
  await collect(chunker.chunk(docs[0]!)); // warm-up
  let best = Number.POSITIVE_INFINITY;
  let chunks = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    chunks = 0;
    for (const d of docs) chunks += (await collect(chunker.chunk(d))).length;
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, chunks };
}

/** The LM pass alone (per-sentence NLLs of every document): tokens through the model per second. */
async function timeLmPass(lm: TokenLogprobModel, docs: Document[]): Promise<{ ms: number; tokens: number }> {
  let tokens = 0;
  const t0 = performance.now();
  for (const d of docs) for await (const b of sentenceNlls(lm, d.text, sentenceOffsets(d.text), { blockTokens: 8192 })) tokens += b.tokens;
  return { ms: performance.now() - t0, tokens };
}

const bench: Bench = {
  name: 'meta-chunking',
  description: 'ppl chunking (each LM) vs semantic chunking on the HotpotQA-100 long documents: time, sentences/s, LM tokens/s',
  async run({ quick }) {
    const docs = hotpotDocuments(quick ? 20 : 100);
    const sentences = docs.reduce((s, d) => s + sentenceOffsets(d.text).length / 2, 0);
    const runs = quick ? 1 : 2;
    const rows: Array<Array<string | number>> = [];
    const results: Record<string, unknown> = { documents: docs.length, sentences, default_ppl_lm: DEFAULT_PPL_LM };

    let t0 = performance.now();
    const embedder = await createEmbedder('use-lite');
    const semantic = await createChunker({ chunker: 'semantic', size: 128 }, { embedder });
    const semLoad = performance.now() - t0;
    log('meta-chunking: timing semantic');
    const sem = await timeChunker(semantic, docs, runs);
    rows.push(['semantic (use-lite)', semLoad.toFixed(0), sem.ms.toFixed(0), (sentences / (sem.ms / 1000)).toFixed(0), '–', '1.00', sem.chunks]);
    results['semantic'] = { load_ms: semLoad, ms: sem.ms, chunks: sem.chunks };

    // sift-lm-margin has sift-lm-mini's shape, so its speed is the same and it is not timed again.
    for (const lmName of [DEFAULT_PPL_LM, ...['kn', 'sift-lm-mini'].filter((n) => n !== DEFAULT_PPL_LM)]) {
      t0 = performance.now();
      let lm: TokenLogprobModel & { close?(): Promise<void> };
      try {
        lm = await loadMetaLm(lmName, { threads: 2 });
      } catch (err) {
        log(`meta-chunking: ${lmName} not measured: ${(err as Error).message}`);
        continue;
      }
      const load = performance.now() - t0;
      const chunker = await createChunker({ chunker: 'ppl', size: 128 }, { lm });
      log(`meta-chunking: timing ppl with ${lmName}`);
      const ppl = await timeChunker(chunker, docs, runs);
      const pass = await timeLmPass(lm, docs);
      const label = `ppl (${lmName}${lmName === DEFAULT_PPL_LM ? ', default' : ''})`; // ppl's default: no merge
      rows.push([label, load.toFixed(0), ppl.ms.toFixed(0), (sentences / (ppl.ms / 1000)).toFixed(0), (pass.tokens / (pass.ms / 1000)).toFixed(0), (ppl.ms / sem.ms).toFixed(2), ppl.chunks]);
      results[`ppl:${lmName}`] = { load_ms: load, ms: ppl.ms, chunks: ppl.chunks, lm_pass_ms: pass.ms, lm_tokens: pass.tokens, ratio_vs_semantic: ppl.ms / sem.ms };
      await lm.close?.();
    }
    const table = [
      `${docs.length} HotpotQA-100 long documents, ${sentences} sentences, size 128 (cl100k); best of ${runs} run(s) after a warm-up document.`,
      'Time ratio = chunking time / semantic chunking time (target for the default LM: ≤ 0.5). LM tokens/s: the per-sentence NLL pass alone.',
      '',
      mdTable(['chunker (model)', 'load ms', 'chunk ms', 'sentences/s', 'LM tokens/s', 'time ratio', 'chunks'], rows),
    ].join('\n');
    return { table, results };
  },
};
export default bench;
