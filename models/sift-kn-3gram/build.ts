// Builds models/sift-kn-3gram: the Kneser–Ney LM that `lm: 'kn'` loads. Trains on the default corpus (State of the
// Union addresses before 2012 + Moby-Dick, from the @stdlib dev dependencies; never an evaluation set), saves kn.bin,
// and writes config.json with the counts and the held-out perplexity on the 2012–2021 addresses (the same held-out
// text as sift-lm-mini's card). Run from the repository root:
//   nice -n 15 node --conditions=source --import tsx models/sift-kn-3gram/build.ts
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultKnCorpusFiles, KN_CONFIG_FILE, KN_MODEL_FILE, loadKneserNeyDir, tokenizerSha256, trainKneserNey } from '@sift/chunkers';
import { siftLmMiniDir, type KneserNeyLM } from '@sift/core';

const OUT = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(OUT, '../..');
const rel = (f: string): string => path.relative(ROOT, f);

async function heldOutPerplexity(lm: KneserNeyLM, files: string[]): Promise<{ tokens: number; perplexity: number; bits_per_char: number }> {
  let nll = 0;
  let tokens = 0;
  let chars = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const lp = await lm.tokenLogprobs(text);
    for (let i = 1; i < lp.length; i++) nll -= lp[i]!;
    tokens += lp.length - 1;
    chars += text.length;
  }
  return { tokens, perplexity: Math.exp(nll / tokens), bits_per_char: nll / Math.LN2 / chars };
}

const train = defaultKnCorpusFiles();
const heldOut = defaultKnCorpusFiles({ heldOut: true });
const t0 = performance.now();
const lm = await trainKneserNey({ prebuilt: false, cacheDir: path.join(os.tmpdir(), 'sift-kn-build') });
const trainMs = performance.now() - t0;
const buf = lm.toBuffer();
writeFileSync(path.join(OUT, KN_MODEL_FILE), buf);
const held = await heldOutPerplexity(lm, heldOut);
// Log-probs of a fixed text, which the TypeScript test compares with the loaded file.
const REFERENCE_TEXT = 'The committee met on Tuesday. Whales, said Ishmael, are not fish; the Congress disagreed.';
const refIds = lm.tokenize(REFERENCE_TEXT);
const refLp = Array.from(await lm.tokenLogprobs(refIds), (x) => (Number.isNaN(x) ? null : x));
const config = {
  format: 'sift-kneser-ney',
  order: lm.order,
  tokenizer: 'sift-lm-mini',
  tokenizer_sha256: await tokenizerSha256(siftLmMiniDir()!),
  smoothing: 'interpolated modified Kneser–Ney (Chen & Goodman 1998), three discounts per order, no pruning',
  trained_tokens: lm.trainedTokens,
  ngrams: Object.fromEntries(lm.sizes().map((n, i) => [`${i + 1}-grams`, n])),
  training_files: { 'sotu (1790–2011)': train.filter((f) => f.includes('sotu')).length, 'moby-dick chapters': train.filter((f) => f.includes('moby')).length },
  corpus_dirs: [...new Set(train.map((f) => rel(path.dirname(f)).replace(/^.*node_modules\//, 'node_modules/')))],
  held_out: { files: heldOut.map((f) => path.basename(f)), ...held },
  reference: { text: REFERENCE_TEXT, ids: refIds, token_logprobs: refLp },
  file_bytes: buf.length,
  build_ms: Math.round(trainMs),
  built_on: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
};
writeFileSync(path.join(OUT, KN_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
// The file must load back to the same scores.
const t1 = performance.now();
const back = await loadKneserNeyDir(OUT);
const loadMs = performance.now() - t1;
const again = await heldOutPerplexity(back, heldOut.slice(0, 1));
const first = await heldOutPerplexity(lm, heldOut.slice(0, 1));
if (again.perplexity !== first.perplexity) throw new Error(`reloaded model scores ${again.perplexity}, trained ${first.perplexity}`);
console.log(JSON.stringify({ ...config, load_ms: Math.round(loadMs) }, null, 2));
