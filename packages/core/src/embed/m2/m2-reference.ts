// An independent float64 forward pass of M2-BERT with the long convolutions done directly (O(L²) sums, no FFT), to
// check the ONNX graph against. It follows HazyResearch/m2 line by line: BertEmbeddings, MonarchMixerSequenceMixing,
// HyenaFilter (bidirectional kernel = pad(k_fwd,(0,L)) + pad(flip(k_rev),(L,0)), fftconv with the D skip term),
// BertGatedLinearUnitMLP with BlockdiagLinear, and BertPooler (CLS → dense → tanh; or Sift's mean pooling).
import type { FilterMlp, HyenaFilterWeights, M2Weights, Tensor } from './m2-weights.js';

export interface M2ReferenceOutput {
  /** Last hidden states [L, d], row-major. */
  hidden: Float64Array;
  /** The pooled embedding [d]. */
  pooled: Float64Array;
}

/** One sequence of token ids (already padded to the length wanted) through the model in float64. */
export function m2ReferenceForward(w: M2Weights, ids: ArrayLike<number>): M2ReferenceOutput {
  const c = w.config;
  const L = ids.length;
  const d = c.hidden_size;
  const eps = c.layer_norm_eps;
  let h: Float64Array = new Float64Array(L * d);
  for (let t = 0; t < L; t++) {
    for (let j = 0; j < d; j++) {
      let v = w.wordEmbeddings.data[ids[t]! * d + j]! + w.tokenTypeEmbeddings.data[j]!;
      if (w.positionEmbeddings) v += w.positionEmbeddings.data[t * d + j]!;
      h[t * d + j] = v;
    }
  }
  layerNorm(h, d, w.embLayerNorm.w.data, w.embLayerNorm.b.data, eps);

  for (const layer of w.layers) {
    const z = linear(h, L, layer.inLinear.w, layer.inLinear.b.data);
    const uc = shortConv(z, L, 3 * d, layer.shortFilter.w.data, layer.shortFilter.b.data);
    const vx = new Float64Array(L * d);
    for (let t = 0; t < L; t++) for (let j = 0; j < d; j++) vx[t * d + j] = uc[t * 3 * d + 2 * d + j]! * uc[t * 3 * d + j]!;
    const y = longConv(vx, L, d, layer.filter);
    const yu = layer.filter2 ? longConv(h, L, d, layer.filter2) : undefined;
    const s = new Float64Array(L * d);
    for (let t = 0; t < L; t++) {
      for (let j = 0; j < d; j++) s[t * d + j] = y[t * d + j]! * uc[t * 3 * d + d + j]! + (yu ? yu[t * d + j]! : 0);
    }
    const a = linear(s, L, layer.outLinear.w, layer.outLinear.b.data);
    let g: Float64Array = blockdiag(a, L, layer.gated.w, layer.gated.b?.data);
    const I = c.intermediate_size;
    const act = new Float64Array(L * I);
    for (let t = 0; t < L; t++) {
      for (let j = 0; j < I; j++) {
        const width = c.use_glu_mlp ? 2 * I : I;
        const gate = gelu(g[t * width + j]!);
        act[t * I + j] = c.use_glu_mlp ? gate * g[t * width + I + j]! : gate;
      }
    }
    g = blockdiag(act, L, layer.wo.w, layer.wo.b?.data);
    for (let i = 0; i < g.length; i++) g[i]! += a[i]!;
    layerNorm(g, d, layer.layernorm.w.data, layer.layernorm.b.data, eps);
    h = g;
  }
  // sift.pooling "mean" (mask_padding models: these ids are the real tokens, so the mean is over all rows).
  let first: Float64Array = h.subarray(0, d);
  if (c.sift?.pooling === 'mean') {
    first = new Float64Array(d);
    for (let t = 0; t < L; t++) for (let j = 0; j < d; j++) first[j]! += h[t * d + j]! / L;
  }
  const pooled = linear(first, 1, w.pooler.w, w.pooler.b.data).map(Math.tanh);
  return { hidden: h, pooled };
}

/** The filter's time-domain taps [L, d] for one MLP (fwd or rev) over positions 0…L−1, decay applied. */
export function hyenaKernel(f: HyenaFilterWeights, mlp: FilterMlp, L: number, d: number): Float64Array {
  const e = f.z.shape[1]!;
  const out = new Float64Array(L * d);
  for (let t = 0; t < L; t++) {
    let x: Float64Array = Float64Array.from(f.z.data.subarray(t * e, (t + 1) * e));
    mlp.linears.forEach((lin, i) => {
      x = linear(x, 1, lin.w, lin.b?.data);
      if (i < mlp.linears.length - 1) for (let j = 0; j < x.length; j++) x[j] = Math.sin(f.wMod * f.freq[j]! * x[j]!);
    });
    for (let j = 0; j < d; j++) out[t * d + j] = x[j]! * Math.exp(-f.t[t]! * Math.abs(f.deltas[j]!));
  }
  return out;
}

/** y[t] = Σ_{s≤t} k_fwd[t−s]·x[s] + Σ_{s>t} k_rev[s−t−1]·x[s] + D·x[t], per channel. */
function longConv(x: Float64Array, L: number, d: number, f: HyenaFilterWeights): Float64Array {
  const kf = hyenaKernel(f, f.fwd, L, d);
  const kr = f.rev ? hyenaKernel(f, f.rev, L, d) : undefined;
  const y = new Float64Array(L * d);
  const xc = new Float64Array(L);
  const kfc = new Float64Array(L);
  const krc = new Float64Array(L);
  for (let j = 0; j < d; j++) {
    for (let t = 0; t < L; t++) {
      xc[t] = x[t * d + j]!;
      kfc[t] = kf[t * d + j]!;
      krc[t] = kr ? kr[t * d + j]! : 0;
    }
    for (let t = 0; t < L; t++) {
      let acc = f.bias[j]! * xc[t]!;
      for (let s = 0; s <= t; s++) acc += kfc[t - s]! * xc[s]!;
      if (kr) for (let s = t + 1; s < L; s++) acc += krc[s - t - 1]! * xc[s]!;
      y[t * d + j] = acc;
    }
  }
  return y;
}

/** Depthwise Conv1d(k=3, padding=2) keeping the first L outputs: out[t] = w0·z[t−2] + w1·z[t−1] + w2·z[t] + b. */
function shortConv(z: Float64Array, L: number, C: number, w: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(L * C);
  for (let t = 0; t < L; t++) {
    for (let j = 0; j < C; j++) {
      let acc = b[j]!;
      for (let k = 0; k < 3; k++) {
        const s = t - 2 + k;
        if (s >= 0) acc += w[j * 3 + k]! * z[s * C + j]!;
      }
      out[t * C + j] = acc;
    }
  }
  return out;
}

/** x [rows, in] · Wᵀ + b for W [out, in]. */
function linear(x: Float64Array, rows: number, w: Tensor, b?: Float32Array): Float64Array {
  const [out, inp] = w.shape as [number, number];
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let acc = b ? b[o]! : 0;
      for (let i = 0; i < inp; i++) acc += x[r * inp + i]! * w.data[o * inp + i]!;
      y[r * out + o] = acc;
    }
  }
  return y;
}

/** BlockdiagLinear: x [rows, nb·p] with W [nb, q, p] → [rows, nb·q]. */
function blockdiag(x: Float64Array, rows: number, w: Tensor, b?: Float32Array): Float64Array {
  const [nb, q, p] = w.shape as [number, number, number];
  const y = new Float64Array(rows * nb * q);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < nb; k++) {
      for (let j = 0; j < q; j++) {
        let acc = b ? b[k * q + j]! : 0;
        for (let i = 0; i < p; i++) acc += x[r * nb * p + k * p + i]! * w.data[(k * q + j) * p + i]!;
        y[r * nb * q + k * q + j] = acc;
      }
    }
  }
  return y;
}

function layerNorm(x: Float64Array, d: number, g: Float32Array, b: Float32Array, eps: number): void {
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r * d + j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[r * d + j]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + eps);
    for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j]! - mean) * inv * g[j]! + b[j]!;
  }
}

function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** erf to double precision: Maclaurin series below 3, the erfc continued fraction above. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let k = ax;
  for (let n = 80; n >= 1; n--) k = ax + n / 2 / k;
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * k));
}
