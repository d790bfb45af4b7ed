// `pnpm bench m2 [--lengths 2k,32k] [--json]`: the M2-BERT ONNX graph (long convolution as FFT-by-MatMul, runs on any
// execution provider) against a same-width BERT-style attention encoder, one document per call at each length:
// latency and peak RSS, each measured in its own process (bench/_m2-measure.ts), plus the DFT-op variant of the M2
// graph (CPU only). Both models have seeded random weights in the sift-m2-mini shape (4 layers, d=192, FFN 768).
// maxAbsDiff: ONNX vs the float64 direct-convolution reference (m2-reference.ts, checked against scripts/m2's Python
// reference in m2-graph.test.ts) at the smallest length. --json prints { m2: {L: ms}, attention: {L: ms}, maxAbsDiff }.
// SIFT_M2_BENCH_TIMEOUT_S bounds each measurement (past it: null in --json, n/a in the table).
// SIFT_M2_BENCH_DEVICE=cuda|webgpu runs both on that execution provider (default cpu); SIFT_M2_BENCH_THREADS sets
// onnxruntime's intra-op threads. The table also gives CPU ms (user + system of the measuring process): on a shared
// machine wall-clock time mostly measures the other tenants, CPU time the work.
import { spawn } from 'node:child_process';
import { freemem } from 'node:os';
import path from 'node:path';
import { log, mdTable, workspaceRoot } from './_bench-utils.js';
import type { Bench } from './run.js';

/** Heads of the attention encoder in bench/_m2-measure.ts (BENCH_SHAPE.heads). */
const BENCH_HEADS = 3;

interface Measure {
  model: string;
  length: number;
  ms: number;
  cpuMs: number;
  /** The session's first call (arena growth and page faults included), before the timed ones. */
  firstMs?: number;
  sessionMs: number;
  graphMB: number;
  peakRssMB: number;
  maxAbsDiff?: number;
}

export function parseLengths(list: string): number[] {
  return list.split(',').map((raw) => {
    const m = /^\s*(\d+)\s*(k?)\s*$/i.exec(raw);
    if (!m) throw new Error(`--lengths: "${raw}" is not a length like 2048 or 2k`);
    return Number(m[1]) * (m[2] ? 1024 : 1);
  });
}

/** One measurement in its own process; undefined when it ran past SIFT_M2_BENCH_TIMEOUT_S (then killed). */
async function measure(args: string[]): Promise<Measure | undefined> {
  const root = workspaceRoot();
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(root, 'bench', '_m2-measure.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const limit = Number(process.env['SIFT_M2_BENCH_TIMEOUT_S'] ?? 0);
  let timedOut = false;
  const timer = limit > 0 ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), limit * 1000) : undefined;
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (timedOut) {
    log(`m2 bench: ${args.join(' ')} ran past ${limit} s: not measured`);
    return undefined;
  }
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`_m2-measure ${args.join(' ')} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line) as Measure;
}

export default {
  name: 'm2',
  description: 'M2-BERT graph (FFT as MatMul) vs same-width attention encoder: ms and peak RSS per document by length',
  async run({ quick, json, lengths }) {
    const Ls = lengths !== undefined ? parseLengths(lengths) : quick ? [512, 2048] : [512, 2048, 8192, 32768];
    const device = process.env['SIFT_M2_BENCH_DEVICE'] ?? 'cpu';
    const threads = process.env['SIFT_M2_BENCH_THREADS'];
    const common = ['--device', device, ...(threads ? ['--threads', threads] : [])];
    const smallest = Math.min(...Ls);
    const rows: Array<Array<string | number>> = [];
    const m2: Record<string, number | null> = {};
    const attention: Record<string, number | null> = {};
    let maxAbsDiff = Number.NaN;
    const first: { m2?: number; attention?: number } = {};
    const ms = (x: Measure | undefined) => (x ? Math.round(x.ms) : 'n/a');
    for (const L of Ls) {
      const runs = L <= 2048 ? '3' : '1';
      log(`m2 bench: L=${L} M2 (MatMul FFT)…`);
      const a = await measure(['--model', 'm2', '--length', String(L), ...common, '--runs', runs, ...(L === smallest ? ['--check'] : [])]);
      if (a?.maxAbsDiff !== undefined) maxAbsDiff = a.maxAbsDiff;
      // The attention encoder's score and softmax matrices alone (heads × L² floats each) can exceed the machine: at 32k
      // that is 26 GB per layer for this shape. Not started then (null), rather than taking the machine down.
      const attentionBytes = 2 * BENCH_HEADS * L * L * 4;
      let b: Measure | undefined;
      if (device === 'cpu' && attentionBytes > 0.8 * freemem()) {
        log(`m2 bench: L=${L} attention not run: its score matrices need ${(attentionBytes / 2 ** 30).toFixed(1)} GiB, ${(freemem() / 2 ** 30).toFixed(1)} GiB free`);
      } else {
        log(`m2 bench: L=${L} attention…`);
        b = await measure(['--model', 'attention', '--length', String(L), ...common, '--runs', runs]);
      }
      let dft: Measure | undefined;
      if (device === 'cpu') {
        log(`m2 bench: L=${L} M2 (DFT op)…`);
        // Past 8k one DFT-op call takes minutes: timed cold (no untimed calls), marked in the table.
        dft = await measure(['--model', 'm2', '--fft', 'dft', '--length', String(L), ...common, '--runs', runs, ...(L > 8192 ? ['--warmup', '0'] : [])]);
      }
      // null: not measured within SIFT_M2_BENCH_TIMEOUT_S.
      m2[String(L)] = a ? Math.round(a.ms) : null;
      attention[String(L)] = b ? Math.round(b.ms) : null;
      if (L === Ls[0]) Object.assign(first, { m2: a?.ms, attention: b?.ms });
      const ratio = (x: Measure | undefined, base: number | undefined) => (x && base ? (x.ms / base).toFixed(1) : 'n/a');
      rows.push([
        L,
        ms(a),
        a ? Math.round(a.cpuMs) : 'n/a',
        a ? Math.round(a.peakRssMB) : 'n/a',
        ratio(a, first.m2),
        ms(b),
        b ? Math.round(b.cpuMs) : 'n/a',
        b ? Math.round(b.peakRssMB) : 'n/a',
        ratio(b, first.attention),
        dft ? `${Math.round(dft.ms)} / ${Math.round(dft.cpuMs)}${L > 8192 ? ' (cold)' : ''}` : 'n/a',
        a ? `${Math.round(a.sessionMs)} / ${a.graphMB.toFixed(1)}` : 'n/a',
        a?.firstMs !== undefined ? Math.round(a.firstMs) : 'n/a',
      ]);
    }
    const table = [
      `Device: ${device} (SIFT_M2_BENCH_THREADS=${threads ?? 'default'} intra-op threads). One document per call, median of ${Ls.some((L) => L <= 2048) ? '3 runs (≤2k) / 1 run (longer)' : '1 run'} after two untimed calls (the first grows onnxruntime's memory arena, the second its memory-pattern block; the first call is in the last column); RSS = peak of the measuring process.`,
      '',
      mdTable(
        [
          'L',
          'M2 ms',
          'M2 CPU ms',
          'M2 peak RSS MB',
          'M2 ms × first L',
          'attention ms',
          'attention CPU ms',
          'attention peak RSS MB',
          'attention ms × first L',
          'M2 DFT-op ms / CPU ms',
          'M2 session ms / graph MB',
          'M2 first-call ms',
        ],
        rows,
      ),
      '',
      `ONNX vs float64 direct-convolution reference at L=${smallest}: max abs diff ${maxAbsDiff.toExponential(2)}`,
    ].join('\n');
    // --json prints only the figures on stdout; the table (RSS, CPU time, DFT variant) still goes to stderr.
    if (json) log(`\n${table}\n`);
    return { table, results: { m2, attention, maxAbsDiff } };
  },
} satisfies Bench;
