import { join } from 'node:path';
import { DEFAULT_EMBEDDER, SiftError, type Embedder, type RunOptions } from '@sift/core';
import { EMBEDDING_SEGMENTERS } from '@sift/chunkers';
import { chunkerSpecOf, PIPELINE_DEFAULTS, retrieverNeedsVectors, retrieverSpecOf, type PipelineParts } from '@sift/pipeline';
import { reportProvenance } from './report-provenance.js';
import { loadBeir } from './datasets/beir.js';
import { loadChoi, type ChoiDocument } from './datasets/choi.js';
import { resolveDatasetsDir } from './datasets/datasets-dir.js';
import { loadHaystack } from './datasets/haystack.js';
import { loadHotpotQa } from './datasets/hotpotqa.js';
import { iterateNiah, niahSampleCount } from './datasets/niah.js';
import type { SkippedItem } from './datasets/malformed-items.js';
import type { QaDataset } from './datasets/qa-dataset.js';
import { loadSquad2 } from './datasets/squad2.js';
import type { EvalComponents } from './eval-components.js';
import { defaultTask, EvalConfigSchema, type EvalConfig, type ResolvedEvalConfig } from './eval-config.js';
import type { EvalReport } from './eval-report.js';
import { defaultComponents } from './default-components.js';
import { baselineSegmenter } from './tasks/baseline-segmenter.js';
import { runChunkingTask } from './tasks/chunking-task.js';
import { DEFAULT_NIAH_CHUNKER, runNiahTask } from './tasks/niah-task.js';
import { runRetrievalTask, type Reader } from './tasks/retrieval-task.js';
import { runSegmentationTask } from './tasks/segmentation-task.js';

export interface RunEvalOptions extends RunOptions {
  /** Replace any pipeline factory (tests, custom components). */
  components?: Partial<EvalComponents>;
  /** Component objects for the retrieval task's pipeline (a custom retriever, selector, reranker…). */
  parts?: PipelineParts;
  /** Answers questions from the selected context; adds EM and F1. */
  reader?: Reader;
  /** Told of each malformed dataset item as it is skipped (not called with `strict`, which aborts instead). */
  onSkip?: (item: SkippedItem) => void;
}

/** Skipped items kept in report.json; the count covers all of them. */
const MAX_SKIPPED_LISTED = 100;

export const DEFAULT_NIAH_LENGTHS = [4096, 16384, 65536];
export const DEFAULT_NIAH_DEPTHS = [0, 25, 50, 75, 100];
/** Chunks in the context without a selector (and NIAH's top k): the pipeline's default k. */
const DEFAULT_K = PIPELINE_DEFAULTS.k;

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of items) {
    yield x;
    if (++i >= n) return;
  }
}

function parseConfig(config: EvalConfig): ResolvedEvalConfig {
  const r = EvalConfigSchema.safeParse(config);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new SiftError('E_BAD_CONFIG', `eval config: bad value for "${key}": ${issue?.message ?? 'invalid'}`, { cause: r.error, details: { key } });
}

async function loadQa(cfg: ResolvedEvalConfig, datasetsDir: string, onSkip: (item: SkippedItem) => void): Promise<QaDataset> {
  const d = cfg.dataset;
  const limit = { ...(cfg.limit !== undefined ? { limit: cfg.limit } : {}), strict: cfg.strict, onSkip };
  if (d === 'hotpotqa-100' || d === 'hotpotqa') {
    const distractorsFile =
      cfg.distractors === undefined ? undefined : cfg.distractors === '2wiki' ? join(datasetsDir, '2wiki-corpus', '2wikimultihopqa_corpus.json') : cfg.distractors;
    return loadHotpotQa({ dir: join(datasetsDir, 'hotpotqa-100'), ...limit, ...(distractorsFile ? { distractorsFile } : {}) });
  }
  if (d === 'squad2') return loadSquad2({ dir: join(datasetsDir, 'squad2-dev-extract'), ...limit });
  if (d.startsWith('beir:')) return loadBeir({ dir: d.slice(5), ...limit, ...(cfg.split ? { split: cfg.split } : {}) });
  throw new SiftError('E_BAD_CONFIG', `dataset "${d}" is not a QA dataset; use hotpotqa-100, squad2 or beir:<dir>`, { details: { key: 'dataset' } });
}

/** Plain JSON for report.json: components as given, defaults filled in. */
function describePipeline(cfg: ResolvedEvalConfig, task: string): Record<string, unknown> {
  const p = cfg.pipeline;
  const out: Record<string, unknown> = {};
  if (task !== 'segmentation') {
    out.chunker = chunkerSpecOf(p) ?? (task === 'niah' ? DEFAULT_NIAH_CHUNKER : 'none');
    out.retriever = p.retriever;
    out.k = p.k ?? DEFAULT_K;
    if (p.selector !== undefined) out.selector = p.selector;
    if (p.budgets !== undefined) out.budgets = p.budgets;
  } else {
    out.segmenter = p.segmenter;
    out.knownK = p.knownK ?? false;
  }
  if (p.embedder !== undefined) out.embedder = p.embedder;
  if (task === 'niah') out.niah = cfg.niah ?? {};
  return out;
}

/**
 * Run one evaluation and return its report (nothing is written; see `writeReport`). Everything runs offline
 * from the datasets folder; progress goes to `onProgress`, and `signal` stops between questions.
 */
export async function runEval(config: EvalConfig, opts: RunEvalOptions = {}): Promise<EvalReport> {
  const started = performance.now();
  const cfg = parseConfig(config);
  const task = cfg.task ?? defaultTask(cfg.dataset);
  const components: EvalComponents = { ...defaultComponents(), ...opts.components };
  const datasetsDir = resolveDatasetsDir(cfg.datasetsDir);
  const run: RunOptions = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) };
  const skipped: SkippedItem[] = [];
  const onSkip = (item: SkippedItem): void => {
    skipped.push(item);
    opts.onSkip?.(item);
  };
  let embedder: Embedder | undefined;
  try {
    const segName = typeof cfg.pipeline.segmenter === 'string' ? cfg.pipeline.segmenter : (cfg.pipeline.segmenter as { name?: unknown } | undefined)?.name;
    // Embedding segmenters get the default offline embedder when none is named.
    // dense, hybrid and graph:dense|hybrid imply the default embedder, as in sift index/query and createPipeline.
    const spec = task === 'segmentation' ? undefined : retrieverSpecOf(cfg.pipeline, cfg.pipeline.embedder !== undefined || opts.parts?.embedder !== undefined);
    if (spec) cfg.pipeline = { ...cfg.pipeline, retriever: spec as never };
    const needsEmbedder = (spec !== undefined && retrieverNeedsVectors(spec)) || (task === 'segmentation' && typeof segName === 'string' && (EMBEDDING_SEGMENTERS as ReadonlySet<string>).has(segName));
    const embedderName = opts.parts?.embedder ? undefined : (cfg.pipeline.embedder ?? (needsEmbedder ? DEFAULT_EMBEDDER : undefined));
    if (embedderName !== undefined) embedder = await components.createEmbedder(embedderName);
    const given = opts.parts?.embedder ?? embedder;
    const withEmbedder = given ? { embedder: given } : {};
    let body: Omit<EvalReport, 'meta' | 'dataset' | 'pipeline'> & { pipeline?: Record<string, unknown> };
    if (task === 'segmentation') {
      if (!cfg.dataset.startsWith('choi:')) {
        throw new SiftError('E_BAD_CONFIG', `the segmentation task needs a choi:<set/range> dataset, not "${cfg.dataset}"`, { details: { key: 'dataset' } });
      }
      const spec = cfg.pipeline.segmenter;
      if (spec === undefined) throw new SiftError('E_BAD_CONFIG', 'the segmentation task needs a segmenter (--segmenter <name>)', { details: { key: 'segmenter' } });
      const segmenter = (typeof spec === 'string' ? baselineSegmenter(spec) : undefined) ?? (await components.createSegmenter(spec, withEmbedder));
      // Choi is small (7.7 MB in all): read it first so progress has a total.
      const documents: ChoiDocument[] = [];
      const choi = { dir: join(datasetsDir, 'choi'), subset: cfg.dataset.slice(5), strict: cfg.strict, onSkip, ...(cfg.limit !== undefined ? { limit: cfg.limit } : {}) };
      for await (const d of loadChoi(choi)) documents.push(d);
      body = await runSegmentationTask({ documents: fromArray(documents), total: documents.length, segmenter, knownK: cfg.pipeline.knownK ?? false }, run);
    } else if (task === 'niah') {
      if (cfg.dataset !== 'niah') throw new SiftError('E_BAD_CONFIG', `the niah task generates its own data; use --dataset niah, not "${cfg.dataset}"`, { details: { key: 'dataset' } });
      const { haystack: source = 'paul-graham', lengths, depths, ...gen } = cfg.niah ?? {};
      const counter = await components.tokenizer();
      const haystack = await loadHaystack(source, datasetsDir);
      // Contexts are generated one at a time as the task reads them: a 1M-token grid never sits in memory at once.
      const niahOptions = { ...gen, lengths: lengths ?? DEFAULT_NIAH_LENGTHS, depths: depths ?? DEFAULT_NIAH_DEPTHS };
      const all = niahSampleCount(niahOptions);
      const total = cfg.limit !== undefined ? Math.min(cfg.limit, all) : all;
      const samples = take(iterateNiah(haystack, counter, niahOptions), total);
      body = await runNiahTask({ samples, total, pipeline: cfg.pipeline, components, counter, ...withEmbedder }, run);
    } else {
      const dataset = await loadQa(cfg, datasetsDir, onSkip);
      const counter = await components.tokenizer();
      body =
        task === 'chunking'
          ? await runChunkingTask({ dataset, pipeline: cfg.pipeline, components, counter, ...withEmbedder }, run)
          : await runRetrievalTask(
              { dataset, pipeline: cfg.pipeline, ks: cfg.ks, components, counter, ...withEmbedder, ...(opts.reader ? { reader: opts.reader } : {}), ...(opts.parts ? { parts: opts.parts } : {}) },
              run,
            );
    }
    const { n, metrics, task: _t, pipeline, ...rest } = body;
    const described = pipeline ?? describePipeline(cfg, task);
    if (task !== 'segmentation' && cfg.pipeline.budgets !== undefined) described.budgets = cfg.pipeline.budgets;
    return {
      dataset: cfg.dataset,
      task,
      pipeline: described,
      n,
      metrics,
      ...rest,
      skipped: skipped.length,
      ...(skipped.length > 0 ? { skipped_items: skipped.slice(0, MAX_SKIPPED_LISTED) } : {}),
      meta: { created: new Date().toISOString(), elapsed_ms: performance.now() - started, datasets_dir: datasetsDir, ...reportProvenance() },
    };
  } finally {
    await embedder?.close?.();
  }
}
