// One measurement of the M2 scaling bench, in its own process so that peak RSS belongs to one model at one length:
// builds the graph (M2 with seeded random weights in the sift-m2-mini shape, or the same-width attention encoder),
// opens an onnxruntime session, runs `warmup` untimed and `runs` timed forward passes of one document, and prints one JSON
// line: wall-clock ms and CPU ms of the process (user + system, all onnxruntime threads: the work done, which a
// shared machine does not inflate the way it inflates wall-clock time). With --check it also runs the float64 direct-convolution reference and reports the max abs difference.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Ort from 'onnxruntime-node';
import { workspaceRoot } from './_bench-utils.js';
import { buildAttentionEncoderGraph, buildM2Graph, DEFAULT_M2_RADIX, m2ReferenceForward, m2WeightsFrom, randomM2Tensors, seededRandom } from '@sift/core';

export const BENCH_SHAPE = { hiddenSize: 192, layers: 4, intermediateSize: 768, vocabSize: 4104, filterOrder: 64, nblocks: 4, heads: 3 };

const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: 'm2' },
    length: { type: 'string', default: '2048' },
    fft: { type: 'string', default: 'matmul' },
    radix: { type: 'string', default: String(DEFAULT_M2_RADIX) },
    device: { type: 'string', default: 'cpu' },
    runs: { type: 'string', default: '3' },
    /**
     * Untimed calls first. Two by default at every length: onnxruntime's first call grows the memory arena (first
     * touch of every page: at 32k ~2.5 GB of page faults, 1.5-2.5 CPU-s), and with the memory pattern on (onnxruntime's
     * default; M2Embedder turns it off) the second call faults in the planned block; from the third on a call reuses both.
     * The first call's time is reported as firstMs.
     */
    warmup: { type: 'string', default: '2' },
    threads: { type: 'string' },
    check: { type: 'boolean', default: false },
    /** onnxruntime's memory pattern (off, as M2Embedder runs it: at 32k it added ~2.8 GB of peak) / CPU arena (on). */
    'mem-pattern': { type: 'string', default: 'off' },
    arena: { type: 'string', default: 'on' },
    /** onnxruntime graph optimisation level, and whether constant folding runs (it folds the filter spectra). */
    opt: { type: 'string', default: 'all' },
    fold: { type: 'string', default: 'on' },
    /** M2 graph: filter spectra per call (default) or folded at session creation. */
    kernels: { type: 'string', default: 'per-call' },
  },
});
// onnxruntime-node is a dependency of @sift/core, not of the workspace root: resolve it from there.
const ortEntry = createRequire(path.join(workspaceRoot(), 'packages', 'core', 'package.json')).resolve('onnxruntime-node');
const ort = (await import(pathToFileURL(ortEntry).href)) as typeof Ort;
const L = Number(a.length);
const s = BENCH_SHAPE;
const t0 = performance.now();
let bytes: Uint8Array;
let weights;
if (a.model === 'attention') {
  bytes = buildAttentionEncoderGraph({ hiddenSize: s.hiddenSize, layers: s.layers, heads: s.heads, intermediateSize: s.intermediateSize, vocabSize: s.vocabSize, length: L, seed: 2 });
} else {
  const { config, tensors } = randomM2Tensors({ ...s, length: L, seed: 2 });
  weights = m2WeightsFrom(tensors, config, 'random');
  bytes = buildM2Graph(weights, { fft: a.fft as 'matmul' | 'dft', maxRadix: Number(a.radix), kernels: a.kernels as 'per-call' | 'fold' });
}
const buildMs = performance.now() - t0;
const rssBuildMB = process.memoryUsage().rss / 1e6;
const t1 = performance.now();
const c1 = process.cpuUsage();
const session = await ort.InferenceSession.create(bytes, {
  executionProviders: [a.device],
  graphOptimizationLevel: a.opt as 'all',
  enableMemPattern: a['mem-pattern'] !== 'off',
  enableCpuMemArena: a.arena !== 'off',
  ...(a.threads ? { intraOpNumThreads: Number(a.threads) } : {}),
  extra: {
    ...(a.device === 'cpu' ? { session: { intra_op: { allow_spinning: '0' } } } : {}),
    ...(a.fold === 'off' ? { optimization: { disable_specified_optimizers: 'ConstantFolding' } } : {}),
  },
});
const sessionMs = performance.now() - t1;
const c1used = process.cpuUsage(c1);
const sessionCpuMs = (c1used.user + c1used.system) / 1000;
const rssSessionMB = process.memoryUsage().rss / 1e6;
const r = seededRandom(5);
const ids = Array.from({ length: L }, (_, i) => (i === 0 ? 1 : 3 + Math.floor(r() * (s.vocabSize - 3))));
const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, L]) };
let out: Ort.InferenceSession.ReturnType | undefined;
let firstMs: number | undefined;
let firstCpuMs: number | undefined;
for (let i = 0; i < Number(a.warmup); i++) {
  const t = performance.now();
  const c = process.cpuUsage();
  out = await session.run(feeds);
  if (i === 0) {
    const used = process.cpuUsage(c);
    firstMs = performance.now() - t;
    firstCpuMs = (used.user + used.system) / 1000;
  }
}
const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < Number(a.runs); i++) {
  const t = performance.now();
  const c = process.cpuUsage();
  out = await session.run(feeds);
  const used = process.cpuUsage(c);
  times.push(performance.now() - t);
  cpu.push((used.user + used.system) / 1000);
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
let maxAbsDiff: number | undefined;
if (a.check && weights) {
  const ref = m2ReferenceForward(weights, ids);
  const hid = out!['last_hidden_state']!.data as Float32Array;
  const pooled = out!['pooler_output']!.data as Float32Array;
  maxAbsDiff = 0;
  for (let i = 0; i < hid.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(hid[i]! - ref.hidden[i]!));
  for (let i = 0; i < pooled.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(pooled[i]! - ref.pooled[i]!));
}
await session.release();
process.stdout.write(
  `${JSON.stringify({
    model: a.model,
    length: L,
    ms: median(times),
    cpuMs: median(cpu),
    ...(firstMs !== undefined ? { firstMs, firstCpuMs } : {}),
    buildMs,
    sessionMs,
    sessionCpuMs,
    graphMB: bytes.length / 1e6,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    rssBuildMB,
    rssSessionMB,
    ...(maxAbsDiff !== undefined ? { maxAbsDiff } : {}),
  })}\n`,
);
