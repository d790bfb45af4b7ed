import { notifyProgress, throwIfAborted, yieldToEventLoop, type RunOptions } from '@sift/core';
import { forward, pairFeatures, sigmoid, type PairMlpWeights } from './pair-mlp.js';
import { gaussian, seededRandom } from './seeded-random.js';

export interface TrainPairMlpOptions extends RunOptions {
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Decoupled (AdamW) weight decay. */
  weightDecay?: number;
  seed?: number;
}

/** Embedding pairs and labels (1 = same segment). */
export interface PairExamples {
  a: readonly Float32Array[];
  b: readonly Float32Array[];
  same: ArrayLike<number>;
}

/**
 * Trains the pair MLP with AdamW on binary cross-entropy, in plain typed-array loops (an MLP this size needs no
 * framework). Returns the weights and the mean training loss per epoch.
 */
export async function trainPairMlp(data: PairExamples, opts: TrainPairMlpOptions = {}): Promise<{ weights: PairMlpWeights; losses: number[] }> {
  const n = data.same.length;
  const dim = data.a[0]?.length ?? 0;
  const F = 4 * dim;
  const H = opts.hidden ?? 128;
  const epochs = opts.epochs ?? 6;
  const batch = opts.batchSize ?? 64;
  const lr = opts.learningRate ?? 1e-3;
  const wd = opts.weightDecay ?? 1e-4;
  const rand = seededRandom(opts.seed ?? 7);

  // Features once, standardised with the training mean and std.
  const feats = new Float32Array(n * F);
  const featMean = new Float32Array(F);
  const featStd = new Float32Array(F);
  const tmp = new Float32Array(F);
  for (let s = 0; s < n; s++) {
    pairFeatures(data.a[s]!, data.b[s]!, tmp);
    feats.set(tmp, s * F);
    for (let i = 0; i < F; i++) featMean[i]! += tmp[i]! / n;
  }
  for (let s = 0; s < n; s++) for (let i = 0; i < F; i++) featStd[i]! += (feats[s * F + i]! - featMean[i]!) ** 2 / n;
  for (let i = 0; i < F; i++) featStd[i] = Math.sqrt(featStd[i]!) + 1e-6;
  for (let s = 0; s < n; s++) for (let i = 0; i < F; i++) feats[s * F + i] = (feats[s * F + i]! - featMean[i]!) / featStd[i]!;

  const w: PairMlpWeights = {
    dim,
    hidden: H,
    featMean,
    featStd,
    w1: Float32Array.from({ length: H * F }, () => gaussian(rand) * Math.sqrt(2 / F)),
    b1: new Float32Array(H),
    w2: Float32Array.from({ length: H }, () => gaussian(rand) * Math.sqrt(1 / H)),
    b2: 0,
  };
  const params = [w.w1, w.b1, w.w2];
  const grads = params.map((p) => new Float32Array(p.length));
  const m1 = params.map((p) => new Float32Array(p.length));
  const m2 = params.map((p) => new Float32Array(p.length));
  let gb2 = 0;
  let mb2 = 0;
  let vb2 = 0;
  const [gw1, gb1, gw2] = grads as [Float32Array, Float32Array, Float32Array];
  const h = new Float32Array(H);
  const order = Array.from({ length: n }, (_, i) => i);
  const losses: number[] = [];
  let step = 0;

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    for (let start = 0; start < n; start += batch) {
      throwIfAborted(opts.signal);
      const end = Math.min(start + batch, n);
      for (const g of grads) g.fill(0);
      gb2 = 0;
      for (let t = start; t < end; t++) {
        const s = order[t]!;
        const f = feats.subarray(s * F, (s + 1) * F);
        const z = forward(w, f, h);
        const p = sigmoid(z);
        const y = data.same[s]!;
        lossSum += -(y * Math.log(Math.max(p, 1e-12)) + (1 - y) * Math.log(Math.max(1 - p, 1e-12)));
        const gz = (p - y) / (end - start);
        gb2 += gz;
        for (let j = 0; j < H; j++) {
          if (h[j]! <= 0) continue;
          gw2[j]! += gz * h[j]!;
          const gh = gz * w.w2[j]!;
          gb1[j]! += gh;
          const row = j * F;
          for (let i = 0; i < F; i++) gw1[row + i]! += gh * f[i]!;
        }
      }
      step++;
      const c1 = 1 - 0.9 ** step;
      const c2 = 1 - 0.999 ** step;
      for (let k = 0; k < params.length; k++) {
        const p = params[k]!;
        const g = grads[k]!;
        const a = m1[k]!;
        const v = m2[k]!;
        const decay = k === 1 ? 0 : wd;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]!;
          a[i] = 0.9 * a[i]! + 0.1 * gi;
          v[i] = 0.999 * v[i]! + 0.001 * gi * gi;
          p[i] = p[i]! - lr * ((a[i]! / c1) / (Math.sqrt(v[i]! / c2) + 1e-8) + decay * p[i]!);
        }
      }
      mb2 = 0.9 * mb2 + 0.1 * gb2;
      vb2 = 0.999 * vb2 + 0.001 * gb2 * gb2;
      w.b2 -= lr * ((mb2 / c1) / (Math.sqrt(vb2 / c2) + 1e-8));
      if (step % 20 === 0) await yieldToEventLoop();
    }
    losses.push(lossSum / n);
    notifyProgress(opts.onProgress, { status: epoch + 1 === epochs ? 'done' : 'progress', done: epoch + 1, total: epochs, unit: 'epochs', message: `loss ${(lossSum / n).toFixed(4)}` });
  }
  return { weights: w, losses };
}

/** Accuracy (threshold 0.5 unless given) and class balance on labelled pairs. */
export function pairAccuracy(w: PairMlpWeights, data: PairExamples, threshold = 0.5): { accuracy: number; n: number; positives: number } {
  const f = new Float32Array(4 * w.dim);
  const h = new Float32Array(w.hidden);
  let correct = 0;
  let positives = 0;
  const n = data.same.length;
  for (let s = 0; s < n; s++) {
    pairFeatures(data.a[s]!, data.b[s]!, f);
    for (let i = 0; i < f.length; i++) f[i] = (f[i]! - w.featMean[i]!) / w.featStd[i]!;
    const p = sigmoid(forward(w, f, h));
    const y = data.same[s]!;
    positives += y;
    if ((p >= threshold ? 1 : 0) === y) correct++;
  }
  return { accuracy: n > 0 ? correct / n : 0, n, positives };
}
