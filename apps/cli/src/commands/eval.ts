import { existsSync } from 'node:fs';
import { loadPipelineConfig } from '@sift/pipeline';
import { createEmbedder, embeddingCacheDirFromEnv, SiftError } from '@sift/core';
import { addEmbedded, embeddedLine, type EmbeddedTotals } from '../embedded-counts.js';
import { formatComparison, readReport, runEval, writeReport, type EvalConfig, type EvalReport, type PipelineConfig } from '@sift/eval';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { intArg, listArg } from '../options.js';
import { resolveArg } from '../paths.js';
import { createProgressView, progressFlag } from '../progress.js';
import { writeOut } from '../write-out.js';

interface EvalFlags {
  dataset?: string;
  task?: EvalConfig['task'];
  pipeline?: string;
  chunker?: string;
  size?: number;
  overlap?: number;
  retriever?: string;
  selector?: string;
  k?: number;
  budget?: number[];
  embedder?: string;
  segmenter?: string;
  knownK?: boolean;
  limit?: number;
  lengths?: number[];
  depths?: number[];
  needle?: 'single' | 'multikey' | 'multivalue';
  samples?: number;
  seed?: number;
  haystack?: string;
  distractors?: string;
  split?: string;
  datasetsDir?: string;
  out?: string;
  json?: boolean;
  compare?: string[];
  progress?: boolean;
  strict?: boolean;
}

/** `4k` → 4096, `64k` → 65536, `1m` → 1048576 (RULER's lengths are powers of two), `1000` → 1000. */
export function tokenLengthArg(value: string): number[] {
  return listArg(value).map((v) => {
    const m = /^(\d+)([km]?)$/i.exec(v);
    if (!m) throw new InvalidArgumentError(`"${v}" is not a length such as 4k, 1m or 4096`);
    const unit = m[2]!.toLowerCase();
    return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
  });
}

function numberListArg(min: number, max: number): (value: string) => number[] {
  return (value) =>
    listArg(value).map((v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`"${v}" is not a number in ${min}..${max}`);
      return n;
    });
}

/** `--pipeline FILE`: the pipeline config format of sift.config.json and createPipeline (or an eval config holding one). */
async function readPipelineFile(ctx: CliContext, file: string): Promise<PipelineConfig> {
  const path = resolveArg(ctx.io, file);
  if (!existsSync(path)) throw new SiftError('E_INPUT_UNREADABLE', `--pipeline ${file}: file not found`, { details: { file } });
  return (await loadPipelineConfig(path, { shown: file })) as PipelineConfig;
}

/** Flags → the library's EvalConfig; flags win over the --pipeline file. */
async function buildConfig(ctx: CliContext, f: EvalFlags): Promise<EvalConfig> {
  if (!f.dataset) throw new SiftError('E_BAD_CONFIG', 'sift eval needs --dataset (hotpotqa-100, squad2, choi:<set/range>, niah or beir:<dir>)', { details: { key: 'dataset' } });
  const pipeline: Record<string, unknown> = f.pipeline ? { ...(await readPipelineFile(ctx, f.pipeline)) } : {};
  if (f.chunker !== undefined) {
    pipeline.chunker =
      f.chunker === 'none' ? 'none' : { chunker: f.chunker, ...(f.size !== undefined ? { size: f.size } : {}), ...(f.overlap !== undefined ? { overlap: f.overlap } : {}) };
  } else if (f.size !== undefined || f.overlap !== undefined) {
    throw new SiftError('E_BAD_CONFIG', '--size/--overlap need --chunker', { details: { key: 'chunker' } });
  }
  if (f.retriever !== undefined) pipeline.retriever = f.retriever;
  if (f.selector !== undefined) {
    // A list (`topk,budget,sage,corag`) evaluates each selector at every budget: one recall-vs-tokens curve each.
    const names = f.selector.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    pipeline.selector = names[0];
    if (names.length > 1) pipeline.selectors = names;
  }
  if (f.k !== undefined) pipeline.k = f.k;
  if (f.budget !== undefined) pipeline.budgets = f.budget;
  if (f.embedder !== undefined) pipeline.embedder = f.embedder;
  if (f.segmenter !== undefined) pipeline.segmenter = f.segmenter;
  if (f.knownK !== undefined) pipeline.knownK = f.knownK;
  const dataset = f.dataset.startsWith('beir:') ? `beir:${resolveArg(ctx.io, f.dataset.slice(5))}` : f.dataset;
  const niah = {
    ...(f.lengths ? { lengths: f.lengths } : {}),
    ...(f.depths ? { depths: f.depths } : {}),
    ...(f.needle ? { kind: f.needle } : {}),
    ...(f.samples !== undefined ? { samples: f.samples } : {}),
    ...(f.seed !== undefined ? { seed: f.seed } : {}),
    ...(f.haystack ? { haystack: f.haystack === 'paul-graham' || f.haystack === 'moby-dick' ? f.haystack : resolveArg(ctx.io, f.haystack) } : {}),
  };
  return {
    dataset,
    ...(f.task ? { task: f.task } : {}),
    pipeline: pipeline as PipelineConfig,
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
    ...(f.datasetsDir ? { datasetsDir: resolveArg(ctx.io, f.datasetsDir) } : {}),
    ...(f.distractors ? { distractors: f.distractors === '2wiki' ? '2wiki' : resolveArg(ctx.io, f.distractors) } : {}),
    ...(f.split ? { split: f.split } : {}),
    ...(f.strict ? { strict: true } : {}),
    ...(Object.keys(niah).length > 0 ? { niah } : {}),
  };
}

const SUMMARY_KEYS = /^(recall@(2|5|10)|mrr@10|ndcg@10|answer_in_context@5|recall|answer_in_context|tokens_per_query|latency_ms_p50|support_recall@\d+|answer_recall@\d+|chunking_ms|pk|windowdiff|accuracy)$/;

/** Metrics that restate the first budget's figures; with budgets, each budget gets its own labelled line instead. */
const FIRST_BUDGET_KEYS = new Set(['recall', 'answer_in_context', 'tokens_per_query']);

function summary(r: EvalReport, paths: { json: string; md: string; html: string }): string {
  const byBudget = r.task === 'retrieval' && (r.budgets?.length ?? 0) > 0;
  const rows: Array<[string, number | null]> = Object.entries(r.metrics).filter(([k]) => SUMMARY_KEYS.test(k) && !(byBudget && FIRST_BUDGET_KEYS.has(k)));
  if (byBudget) {
    for (const b of r.budgets!) {
      const label = [b.selector, Number.isFinite(b.budget) ? `budget ${b.budget}` : b.selector === undefined ? 'selector' : undefined].filter(Boolean).join(', ');
      rows.push([`${label}: recall`, b.recall], [`${label}: answer_in_context`, b.answer_in_context], [`${label}: tokens_per_query`, b.tokens_per_query]);
    }
  }
  for (const [k, v] of Object.entries(r.baselines ?? {})) rows.push([`pk(${k.replace(/_/g, ' ')})`, v.pk]);
  const w = Math.max(...rows.map(([k]) => k.length), 6);
  const fmt = (k: string, v: number | null) => (v === null || Number.isNaN(v) ? '–' : /_ms|tokens_per_query/.test(k) ? v.toFixed(1) : Number.isInteger(v) && v > 1 ? String(v) : v.toFixed(4));
  const lines = [`${r.dataset} · ${r.task} · n=${r.n}${r.skipped ? ` · ${r.skipped} malformed item${r.skipped === 1 ? '' : 's'} skipped` : ''}`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${fmt(k, v)}`)];
  if (r.grid) {
    const lengths = [...new Set(r.grid.map((c) => c.length))].sort((a, b) => a - b);
    const depths = [...new Set(r.grid.map((c) => c.depth))].sort((a, b) => a - b);
    const at = new Map(r.grid.map((c) => [`${c.depth}|${c.length}`, c.accuracy]));
    // Columns as wide as the longest length (1048576 is 7 digits) plus a space, so neighbours never run together.
    const cw = Math.max(7, ...lengths.map((l) => String(l).length + 1));
    lines.push(`  depth\\length ${lengths.map((l) => String(l).padStart(cw)).join('')}`);
    for (const d of depths) lines.push(`  ${String(d).padStart(12)} ${lengths.map((l) => (at.get(`${d}|${l}`) ?? Number.NaN).toFixed(2).padStart(cw)).join('')}`);
  }
  lines.push(`wrote ${paths.json}`, `      ${paths.md}`, `      ${paths.html}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `sift eval`: run an evaluation (datasets, metrics and reports live in @sift/eval; this only maps flags and
 * writes files), or `--compare a.json b.json` to print the difference table of two reports.
 */
export function evalCommand(ctx: CliContext): Command {
  return new Command('eval')
    .description('evaluate a pipeline on a benchmark and write report.json, report.md and report.html')
    .option('--dataset <name>', 'hotpotqa-100 | squad2 | choi:<set/range> (e.g. choi:1/3-11) | niah | beir:<dir>')
    .addOption(new Option('--task <task>', 'what to measure (default from the dataset)').choices(['retrieval', 'chunking', 'segmentation', 'niah']))
    .option('--pipeline <file>', 'pipeline config JSON, the sift.config.json format ({chunker, size, retriever, embedder, selector, k, budget, budgets, segmenter, knownK}); flags override it')
    .option('--chunker <name>', 'chunker under test, or "none" (one chunk per passage)')
    .option('--size <n>', 'chunk size in tokens', intArg(1))
    .option('--overlap <n>', 'chunk overlap in tokens', intArg(0))
    .option('--retriever <name>', 'retriever (default bm25, or hybrid when --embedder is given; dense, hybrid and graph:hybrid use --embedder, default use-lite)')
    .option('--selector <name>', 'selector over the retrieved chunks (topk, threshold, budget, sage, corag); a comma list evaluates each at every budget, one recall-vs-tokens curve per selector')
    .option('--k <n>', 'chunks in the context without a selector, and NIAH top-k (default 10)', intArg(1))
    .option('--budget <list>', 'token budget(s), e.g. 256,512', (v: string) => listArg(v).map((x) => intArg(1)(x)))
    .option('--embedder <name>', 'embedder for dense retrieval or embedding segmenters (use-lite or a model folder)')
    .option('--segmenter <name>', 'segmenter for choi (texttiling, c99, …, or baseline:none|all|even)')
    .option('--known-k', 'give the segmenter the reference number of segments')
    .option('--limit <n>', 'only the first n questions / documents / contexts', intArg(1))
    .option('--lengths <list>', 'NIAH context lengths, e.g. 4k,32k,128k,512k,1m', tokenLengthArg)
    .option('--depths <list>', 'NIAH needle depths in %, e.g. 0,25,50,75,100', numberListArg(0, 100))
    .addOption(new Option('--needle <kind>', 'NIAH needle variant').choices(['single', 'multikey', 'multivalue']))
    .option('--samples <n>', 'NIAH contexts per cell (default 3)', intArg(1))
    .option('--seed <n>', 'NIAH random seed (default 42)', intArg(0))
    .option('--haystack <src>', 'NIAH haystack: paul-graham (default), moby-dick, or a folder of .txt files')
    .option('--distractors <src>', 'HotpotQA: add 2wiki passages (or a 2Wiki corpus JSON file) as distractors')
    .option('--split <name>', 'BEIR qrels split (default test)')
    .option('--datasets-dir <dir>', 'datasets folder (default $SIFT_DATASETS or ../shared/datasets)')
    .option('--out <dir>', 'folder for report.json, report.md and report.html')
    .option('--json', 'print report.json to stdout instead of the summary')
    .option('--strict', 'abort on a malformed dataset item (default: skip it with a warning and count it in the report)')
    .option('--compare <files...>', 'print the metric differences of two report.json files')
    .addOption(progressFlag())
    .action(async (flags: EvalFlags) => {
      if (flags.compare) {
        if (flags.compare.length !== 2) throw new SiftError('E_BAD_CONFIG', `--compare needs two report.json files, got ${flags.compare.length}`, { details: { key: 'compare' } });
        const [fa, fb] = flags.compare as [string, string];
        const a = await readReport(resolveArg(ctx.io, fa));
        const b = await readReport(resolveArg(ctx.io, fb));
        await writeOut(ctx.io.stdout, formatComparison(a, b, [fa, fb]), ctx.signal);
        return;
      }
      if (!flags.out) throw new SiftError('E_BAD_CONFIG', 'sift eval needs --out <dir> for the report', { details: { key: 'out' } });
      const config = await buildConfig(ctx, flags);
      const view = createProgressView(ctx.io, 'eval', 'items', flags.progress);
      // Embedders go through the persistent embedding cache shared with sift index (SIFT_EMBEDDING_CACHE=off disables
      // it), so a second eval of the same corpus embeds nothing; the counts print once the bar is gone.
      const embedded: EmbeddedTotals = { texts: 0, embedded: 0, cached: 0, calls: 0 };
      const cacheDir = embeddingCacheDirFromEnv(ctx.io.env);
      let report: EvalReport;
      try {
        report = await runEval(config, {
          ...(cacheDir ? { components: { createEmbedder: (name: string) => createEmbedder(name, { embeddingCacheDir: cacheDir, onEmbedded: (c) => addEmbedded(embedded, c) }) } } : {}),
          signal: ctx.signal,
          onSkip: (item) => ctx.io.stderr.write(`sift: warning: skipped a malformed item: ${item.message.replace(/\s*\n\s*/g, ' ')}\n`),
          onProgress: (p) => view.update(p.done, p.total, `${p.unit}${p.message ? ` (${p.message})` : ''}`),
        });
      } finally {
        view.stop();
        ctx.io.stderr.write(embeddedLine(embedded));
      }
      const paths = await writeReport(report, resolveArg(ctx.io, flags.out));
      await writeOut(ctx.io.stdout, flags.json ? `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n` : summary(report, paths), ctx.signal);
    });
}
