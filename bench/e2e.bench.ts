// `pnpm bench e2e`: `sift index` and `sift query` as whole processes (the built CLI, BM25 only) against bare LanceDB
// scripts over the same passages (bench/e2e/bare-lance-*.mjs): a ten-line ingest with LanceDB's full-text index, and
// a script that opens that table and runs its full-text search. Runs alternate Sift / bare so that load changes hit
// both; medians of wall and CPU time (user + system, from /usr/bin/time) are compared in the same run.
// Corpus: the 6,119 2WikiMultihopQA passages (one JSON file). SIFT_BENCH_E2E_SCALE=10 also measures the passages ×10
// (60k, titles altered so every document is new).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bench } from './run.js';
import { datasetsDir, log, mdTable, workspaceRoot } from './_bench-utils.js';

const QUERIES = ['who was the director of the film', 'when was the composer born', 'which country is the river in'];
const TIME = '/usr/bin/time';

interface Sample {
  wall: number;
  cpu: number;
  rssMb: number;
}

/** Runs one process under /usr/bin/time; throws with its stderr when it fails. */
function timed(args: string[], cwd: string): Sample {
  const out = path.join(os.tmpdir(), `sift-e2e-time-${process.pid}.txt`);
  const r = spawnSync(TIME, ['-o', out, '-f', '%e %U %S %M', process.execPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.slice(0, 2).join(' ')} exited ${r.status}: ${(r.stderr ?? '').slice(-400)}`);
  const line = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(out, { force: true });
  const [wall, user, sys, rssKb] = line.split(/\s+/).map(Number);
  return { wall: wall!, cpu: user! + sys!, rssMb: rssKb! / 1024 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Pair {
  job: string;
  sift: Sample[];
  bare: Sample[];
}

function summarise(p: Pair) {
  const pick = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
  const s = { wall: pick(p.sift, 'wall'), cpu: pick(p.sift, 'cpu'), rssMb: pick(p.sift, 'rssMb') };
  const b = { wall: pick(p.bare, 'wall'), cpu: pick(p.bare, 'cpu'), rssMb: pick(p.bare, 'rssMb') };
  return { job: p.job, runs: p.sift.length, sift: s, bare: b, wallRatio: s.wall / b.wall, cpuRatio: s.cpu / b.cpu };
}

/** The corpus ×scale as one JSON file (titles and texts marked with the copy number, so no document repeats). */
function scaledCorpus(src: string, scale: number, dir: string): string {
  if (scale === 1) return src;
  const passages = JSON.parse(readFileSync(src, 'utf8')) as Array<{ title: string; text: string }>;
  const out: Array<{ title: string; text: string }> = [];
  for (let c = 0; c < scale; c++) for (const p of passages) out.push(c === 0 ? p : { title: `${p.title} (${c})`, text: `${p.text} [copy ${c}]` });
  const file = path.join(dir, `2wiki-x${scale}.json`);
  writeFileSync(file, JSON.stringify(out));
  return file;
}

async function measure(corpus: string, scale: number, runs: number, tmp: string, queryRunsAtLeast = runs): Promise<Pair[]> {
  const root = workspaceRoot();
  const cli = path.join(root, 'apps', 'cli', 'dist', 'bin.js');
  const ingest = path.join(root, 'bench', 'e2e', 'bare-lance-ingest.mjs');
  const query = path.join(root, 'bench', 'e2e', 'bare-lance-query.mjs');
  const siftDir = path.join(tmp, `sift-x${scale}`);
  const bareDir = path.join(tmp, `bare-x${scale}`);
  const label = scale === 1 ? '' : ` ×${scale}`;
  const index: Pair = { job: `index${label}`, sift: [], bare: [] };
  for (let i = 0; i < runs; i++) {
    log(`e2e${label}: index run ${i + 1}/${runs}`);
    // Alternate which goes first, so a load change between the two hits both sides equally often.
    const order = i % 2 === 0 ? ['sift', 'bare'] : ['bare', 'sift'];
    for (const who of order) {
      rmSync(who === 'sift' ? siftDir : bareDir, { recursive: true, force: true });
      if (who === 'sift') index.sift.push(timed([cli, 'index', corpus, '--index', siftDir, '--retriever', 'bm25'], tmp));
      else index.bare.push(timed([ingest, corpus, bareDir], tmp));
    }
  }
  const q: Pair = { job: `query${label}`, sift: [], bare: [] };
  const base = Math.max(queryRunsAtLeast, QUERIES.length);
  const queryRuns = base + (base % 2 === 0 ? 1 : 0);
  for (let i = 0; i < queryRuns; i++) {
    const text = QUERIES[i % QUERIES.length]!;
    const order = i % 2 === 0 ? ['sift', 'bare'] : ['bare', 'sift'];
    for (const who of order) {
      if (who === 'sift') q.sift.push(timed([cli, 'query', text, '--index', siftDir, '--json'], tmp));
      else q.bare.push(timed([query, bareDir, text, '10'], tmp));
    }
  }
  return [index, q];
}

const bench: Bench = {
  name: 'e2e',
  description: 'sift index / sift query whole processes (built CLI, BM25) vs bare LanceDB ingest / full-text query scripts',
  async run({ quick }) {
    const root = workspaceRoot();
    if (!existsSync(path.join(root, 'apps', 'cli', 'dist', 'bin.js'))) throw new Error('e2e measures the built CLI: run "pnpm build" first (apps/cli/dist/bin.js is missing)');
    if (!existsSync(TIME)) throw new Error(`e2e needs ${TIME} (GNU time) for CPU time and peak memory of whole processes`);
    const corpus = path.join(datasetsDir(), '2wiki-corpus', '2wikimultihopqa_corpus.json');
    if (!existsSync(corpus)) throw new Error(`missing ${corpus} (see datasets MANIFEST.md: 2wiki-corpus)`);
    // 11 alternating pairs: on this shared 2-core host one process's wall time swings ±15 %, and the median of 7 moved ±0.1×.
    const runs = Number(process.env['SIFT_BENCH_E2E_RUNS'] ?? (quick ? 3 : 11));
    const scale = Number(process.env['SIFT_BENCH_E2E_SCALE'] ?? 1);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'sift-e2e-'));
    const load0 = os.loadavg()[0]!;
    try {
      const pairs = await measure(corpus, 1, runs, tmp);
      // At scale an index run takes seconds (3 of them), a query run well under one: queries keep the full count.
      if (scale > 1) pairs.push(...(await measure(scaledCorpus(corpus, scale, tmp), scale, Math.max(1, Math.min(runs, 3)), tmp, runs)));
      const rows = pairs.map(summarise);
      const load = { start: Number(load0.toFixed(2)), end: Number(os.loadavg()[0]!.toFixed(2)), cpus: os.cpus().length };
      const byJob = Object.fromEntries(rows.map((r) => [r.job, r]));
      const results = {
        // Whole-process wall time, Sift over the bare script (the headline numbers).
        queryRatio: byJob['query']!.wallRatio,
        indexRatio: byJob['index']!.wallRatio,
        queryCpuRatio: byJob['query']!.cpuRatio,
        indexCpuRatio: byJob['index']!.cpuRatio,
        ...(scale > 1
          ? { [`queryRatioX${scale}`]: byJob[`query ×${scale}`]!.wallRatio, [`indexRatioX${scale}`]: byJob[`index ×${scale}`]!.wallRatio, [`indexCpuRatioX${scale}`]: byJob[`index ×${scale}`]!.cpuRatio }
          : {}),
        load,
        rows,
      };
      const f = (x: number, d = 2) => x.toFixed(d);
      const table =
        mdTable(
          ['job', 'runs', 'sift wall s', 'bare wall s', 'wall ×', 'sift CPU s', 'bare CPU s', 'CPU ×', 'sift MB', 'bare MB'],
          rows.map((r) => [r.job, r.runs, f(r.sift.wall), f(r.bare.wall), f(r.wallRatio), f(r.sift.cpu), f(r.bare.cpu), f(r.cpuRatio), f(r.sift.rssMb, 0), f(r.bare.rssMb, 0)]),
        ) + `\nmedians; × = Sift / bare (targets: query ≤ 1.2, index ≤ 1.5). Load average ${load.start} → ${load.end} on ${load.cpus} CPUs.\n`;
      return { table, results };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

export default bench;
