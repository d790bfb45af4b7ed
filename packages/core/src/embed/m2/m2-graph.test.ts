// The ONNX graph (FFT as matrix products, and the DFT-op variant) against the float64 direct-convolution references:
// scripts/m2/reference.py's outputs stored in fixtures/, and this package's own m2-reference.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadM2Checkpoint } from './m2-checkpoint.js';
import { buildM2Graph, type M2GraphOptions } from './m2-graph.js';
import { hyenaKernel, m2ReferenceForward } from './m2-reference.js';
import { randomM2Tensors } from './m2-random.js';
import { m2WeightsFrom, type M2Weights } from './m2-weights.js';
import { planFactors } from './fft-graph.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Case {
  name: string;
  L: number;
  mask_padding: boolean;
  input_ids: number[];
  attention_mask: number[];
  pooled: number[];
  hidden_positions: number[];
  last_hidden: number[][];
  filters_layer0?: Record<'k_fwd' | 'k_rev' | 'k2_fwd' | 'k2_rev', number[][]>;
}

function cases(name: string): Case[] {
  return (JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8')) as { cases: Case[] }).cases;
}

async function runGraph(w: M2Weights, ids: number[], mask: number[] | undefined, opts: M2GraphOptions) {
  const L = ids.length;
  const session = await ort.InferenceSession.create(buildM2Graph(w, { ...opts, length: L }), { executionProviders: ['cpu'] });
  try {
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, L]) };
    if (session.inputNames.includes('attention_mask')) {
      feeds['attention_mask'] = new ort.Tensor('int64', BigInt64Array.from((mask ?? ids.map(() => 1)).map(BigInt)), [1, L]);
    }
    const out = await session.run(feeds);
    return { hidden: out['last_hidden_state']!.data as Float32Array, pooled: out['pooler_output']!.data as Float32Array };
  } finally {
    await session.release();
  }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function rows(hidden: ArrayLike<number>, d: number, positions: number[]): number[] {
  return positions.flatMap((p) => Array.from({ length: d }, (_, j) => hidden[p * d + j]!));
}

describe('planFactors', () => {
  it('splits 2L into stages no larger than the radix, the first one even', () => {
    expect(planFactors(256, 16)).toEqual([16, 16]);
    expect(planFactors(65536, 16)).toEqual([16, 16, 16, 16]);
    expect(planFactors(4096, 64)).toEqual([64, 64]);
    expect(planFactors(80, 16)).toEqual([10, 8]);
    for (const N of [2, 6, 80, 96, 4096]) {
      const f = planFactors(N, 16);
      expect(f.reduce((a, b) => a * b, 1)).toBe(N);
      expect(f[0]! % 2).toBe(0);
    }
  });
});

describe('M2 ONNX graph vs the Python float64 reference (fixtures from scripts/m2/make_random.py)', () => {
  it('tiny (2 layers, d=64, L=128, official padding): hidden states and pooled vector within 1e-4', async () => {
    const w = await loadM2Checkpoint(path.join(FIXTURES, 'tiny'));
    for (const c of cases('tiny')) {
      for (const fft of ['matmul', 'dft'] as const) {
        const out = await runGraph(w, c.input_ids, undefined, { fft });
        expect(maxDiff(out.pooled, c.pooled), `${c.name} ${fft} pooled`).toBeLessThan(1e-4);
        expect(maxDiff(rows(out.hidden, 64, c.hidden_positions), c.last_hidden.flat()), `${c.name} ${fft} hidden`).toBeLessThan(1e-4);
      }
    }
  });

  it('tiny-masked: the same 40 real tokens padded to 40, 64 and 256 give the reference rows', async () => {
    const w = await loadM2Checkpoint(path.join(FIXTURES, 'tiny-masked'));
    for (const c of cases('tiny-masked')) {
      const out = await runGraph(w, c.input_ids, c.attention_mask, {});
      expect(maxDiff(out.pooled, c.pooled), `${c.name} pooled`).toBeLessThan(1e-4);
      expect(maxDiff(rows(out.hidden, 32, c.hidden_positions), c.last_hidden.flat()), `${c.name} hidden`).toBeLessThan(1e-4);
    }
  });

  it('tiny-masked with sift.pooling "mean": padding stays out of the mean, and the vector is the reference one, not [CLS]', async () => {
    const base = await loadM2Checkpoint(path.join(FIXTURES, 'tiny-masked'));
    const w: M2Weights = { ...base, config: { ...base.config, sift: { ...base.config.sift!, pooling: 'mean' } } };
    const real = cases('tiny-masked')[0]!.input_ids.filter((_, i) => cases('tiny-masked')[0]!.attention_mask[i] === 1);
    const ref = m2ReferenceForward(w, real);
    const cls = m2ReferenceForward(base, real);
    expect(maxDiff(ref.pooled, cls.pooled)).toBeGreaterThan(1e-2);
    for (const L of [real.length, 64, 256]) {
      const ids = [...real, ...Array<number>(L - real.length).fill(base.config.pad_token_id)];
      const mask = ids.map((_, i) => (i < real.length ? 1 : 0));
      const out = await runGraph(w, ids, mask, {});
      expect(maxDiff(out.pooled, ref.pooled), `L=${L}`).toBeLessThan(1e-4);
    }
  });

  it('long (1 layer, d=16, Lm=8192): L = 128, 2048, 8192 within 1e-4', async () => {
    const w = await loadM2Checkpoint(path.join(FIXTURES, 'long'));
    for (const c of cases('long')) {
      const out = await runGraph(w, c.input_ids, undefined, {});
      const diff = Math.max(maxDiff(out.pooled, c.pooled), maxDiff(rows(out.hidden, 16, c.hidden_positions), c.last_hidden.flat()));
      process.stderr.write(`m2 graph vs reference.py, L=${c.L}: max abs diff ${diff.toExponential(2)}\n`);
      expect(diff, c.name).toBeLessThan(1e-4);
    }
  });

  it('the TS float64 reference reproduces the Python one (filters and outputs)', async () => {
    const w = await loadM2Checkpoint(path.join(FIXTURES, 'tiny'));
    const [full] = cases('tiny');
    const f = full!.filters_layer0!;
    const layer = w.layers[0]!;
    const check = (k: Float64Array, want: number[][]) => {
      // fixture: [channel][lag] for channels 0..7; ours: [lag][channel].
      const got = want.map((_, ch) => Array.from({ length: full!.L }, (_, t) => k[t * 64 + ch]!));
      expect(maxDiff(got.flat(), want.flat())).toBeLessThan(1e-7);
    };
    check(hyenaKernel(layer.filter, layer.filter.fwd, full!.L, 64), f.k_fwd);
    check(hyenaKernel(layer.filter, layer.filter.rev!, full!.L, 64), f.k_rev);
    check(hyenaKernel(layer.filter2!, layer.filter2!.fwd, full!.L, 64), f.k2_fwd);
    const ref = m2ReferenceForward(w, full!.input_ids);
    expect(maxDiff(ref.pooled, full!.pooled)).toBeLessThan(1e-7);
    expect(maxDiff(ref.hidden, full!.last_hidden.flat())).toBeLessThan(1e-7);
  });
});

describe('M2 ONNX graph vs the TS float64 reference', () => {
  it('random weights at L = 96 (2L = 192 = 12·16, a non-power-of-two plan) in both FFT variants, filters per call and folded', async () => {
    const { config, tensors } = randomM2Tensors({ hiddenSize: 32, layers: 2, intermediateSize: 64, vocabSize: 40, length: 96, seed: 7 });
    const w = m2WeightsFrom(tensors, config, 'random');
    const ids = Array.from({ length: 96 }, (_, i) => (i * 13 + 5) % 40);
    const ref = m2ReferenceForward(w, ids);
    for (const opts of [{ fft: 'matmul' }, { fft: 'dft' }, { fft: 'matmul', kernels: 'fold' }] as const) {
      const out = await runGraph(w, ids, undefined, { ...opts, maxRadix: 16 });
      expect(maxDiff(out.hidden, ref.hidden), JSON.stringify(opts)).toBeLessThan(1e-4);
      expect(maxDiff(out.pooled, ref.pooled), JSON.stringify(opts)).toBeLessThan(1e-4);
    }
  });
});

describe('M2 ONNX graph: state-mixer layouts and FFT plans vs the TS float64 reference', () => {
  // The block-major MLP path (GLU with an even block count, plain MLP), its fallback (one block, odd counts), a gated
  // bias, and FFT plans of one stage (2L ≤ radix), many stages with a small first radix, and an odd-sized stage.
  const variants = [
    { name: 'GLU, 4 blocks, gated bias, 1 stage', nblocks: 4, glu: true, gatedBias: true, length: 8, maxRadix: 16 },
    { name: 'plain MLP, 4 blocks, 4 stages', nblocks: 4, glu: false, gatedBias: true, length: 64, maxRadix: 4 },
    { name: 'GLU, 1 block, 2 stages', nblocks: 1, glu: true, gatedBias: false, length: 64, maxRadix: 16 },
    { name: 'GLU, 3 blocks (fallback), 2L = 120', nblocks: 3, glu: true, gatedBias: false, length: 60, maxRadix: 16 },
  ];
  for (const v of variants) {
    it(v.name, async () => {
      const { config, tensors } = randomM2Tensors({ hiddenSize: 24, layers: 1, intermediateSize: 48, vocabSize: 40, length: v.length, seed: 11, ...v });
      const w = m2WeightsFrom(tensors, config, 'random');
      const ids = Array.from({ length: v.length }, (_, i) => (i * 7 + 3) % 40);
      const ref = m2ReferenceForward(w, ids);
      const out = await runGraph(w, ids, undefined, { maxRadix: v.maxRadix });
      expect(maxDiff(out.hidden, ref.hidden)).toBeLessThan(1e-4);
      expect(maxDiff(out.pooled, ref.pooled)).toBeLessThan(1e-4);
    });
  }
});

describe('safetensors', () => {
  it('round-trips float32 tensors through encode/parse, also from a Node Buffer slice of a larger pool', async () => {
    const { encodeSafetensors, parseSafetensors } = await import('./safetensors.js');
    const t = new Map([
      ['a', { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-7, -8) }],
      ['b', { shape: [1], data: Float32Array.of(42) }],
    ]);
    const bytes = encodeSafetensors(t);
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(bytes)]).subarray(3);
    for (const src of [bytes, pooled]) {
      const back = parseSafetensors(src);
      expect(Array.from(back.get('a')!.data)).toEqual(Array.from(t.get('a')!.data));
      expect(back.get('b')!.shape).toEqual([1]);
      expect(back.get('b')!.data[0]).toBe(42);
    }
  });
});
