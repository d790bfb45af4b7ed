import { notifyProgress, SiftError, throwIfAborted, type Embedder, type RunOptions, type ScoredChunk } from '@sift/core';
import type { NiahSample, TokenCounter } from '../datasets/niah.js';
import { chunkerSpecOf, PIPELINE_DEFAULTS } from '@sift/pipeline';
import { budgetSelector } from '@sift/selectors';
import type { EvalComponents } from '../eval-components.js';
import type { ResolvedPipeline } from '../eval-config.js';
import type { EvalReport, GridCell } from '../eval-report.js';
import { meanDefined, percentile } from '../metrics/summary.js';
import { chunkCorpus, WHOLE_DOCUMENTS } from './chunk-corpus.js';
import { SpanCoverage } from './span-coverage.js';

export const DEFAULT_NIAH_CHUNKER = { chunker: 'recursive', size: 256 } as const;

export interface NiahTaskInput {
  /** The contexts, read one at a time (a generator keeps only the current one in memory). */
  samples: Iterable<NiahSample> | AsyncIterable<NiahSample>;
  /** How many `samples` yields, for progress (arrays give it themselves). */
  total?: number;
  pipeline: ResolvedPipeline;
  components: EvalComponents;
  counter: TokenCounter;
  embedder?: Embedder;
}

/** Candidates ranked before a budget is filled: deep enough that the budget, not the cut-off, ends the context. */
const BUDGET_CANDIDATES = 200;

/**
 * Retrieval-only needle in a haystack: chunk each generated context, index its chunks, retrieve the top k for the
 * question (or, with one token budget, fill the budget greedily in rank order as the budget selector does), and score
 * the fraction of gold needles wholly inside the retrieved chunks (1/0 for a single needle). Each cell also reports
 * the tokens that reached the context (`context_tokens`, evaluation tokenizer), so retrievers can be compared at the
 * same budget (e.g. BM25 and dense at InfiniRetri's retained size). No language model answers anything; this
 * measures whether the right text would reach one.
 */
export async function runNiahTask(input: NiahTaskInput, opts: RunOptions = {}): Promise<Omit<EvalReport, 'meta' | 'dataset' | 'pipeline'>> {
  const { samples, pipeline, components, counter } = input;
  const chunkerSpec = chunkerSpecOf(pipeline) ?? DEFAULT_NIAH_CHUNKER;
  const k = pipeline.k ?? PIPELINE_DEFAULTS.k;
  if (chunkerSpec === WHOLE_DOCUMENTS) {
    throw new SiftError('E_BAD_CONFIG', 'the niah task needs a chunker (a whole context as one chunk is always "found")', {
      details: { key: 'chunker' },
    });
  }
  const budgets = pipeline.budgets ?? (pipeline.budget !== undefined ? [pipeline.budget] : []);
  if (budgets.length > 1) {
    throw new SiftError('E_BAD_CONFIG', `the niah task takes one token budget, got ${budgets.length} (${budgets.join(', ')}); run one eval per budget`, {
      details: { key: 'budgets' },
    });
  }
  const selectorName = typeof pipeline.selector === 'string' ? pipeline.selector : (pipeline.selector as { name?: unknown } | undefined)?.name;
  if (selectorName !== undefined && selectorName !== 'budget' && selectorName !== 'topk') {
    throw new SiftError('E_BAD_CONFIG', `the niah task supports the topk and budget selectors, not "${String(selectorName)}"`, { details: { key: 'selector' } });
  }
  const budget = budgets[0];
  const fill = budget !== undefined ? budgetSelector({ budget }) : undefined;
  const chunker = await components.createChunker(chunkerSpec);
  const cells = new Map<string, { length: number; depth: number; acc: number[]; tokens: number[]; context: number[]; seconds: number[] }>();
  const latency: number[] = [];
  let chunkingMs = 0;
  let done = 0;
  const total = input.total ?? (Array.isArray(samples) ? samples.length : undefined);
  for await (const s of samples) {
    throwIfAborted(opts.signal);
    const started = performance.now();
    const { chunks, chunkingMs: ms } = await chunkCorpus([s.document], chunker, counter, opts.signal ? { signal: opts.signal } : {});
    chunkingMs += ms;
    const retriever = await components.createRetriever(pipeline.retriever, chunks, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(input.embedder ? { embedder: input.embedder } : {}),
    });
    const t = performance.now();
    let top: ScoredChunk[] = await retriever.retrieve(s.question, fill ? Math.max(k, BUDGET_CANDIDATES) : k, opts);
    if (fill) top = (await fill.select(s.question, top, { budget: budget! })).chunks;
    latency.push(performance.now() - t);
    // A retriever that loaded a model for this context (infiniretri's LM) frees it before the next one.
    await (retriever as { close?: () => Promise<void> }).close?.();
    const acc = new SpanCoverage(top).fractionCovered(s.gold) ?? 0;
    const key = `${s.length}|${s.depth}`;
    const cell = cells.get(key) ?? { length: s.length, depth: s.depth, acc: [], tokens: [], context: [], seconds: [] };
    cell.acc.push(acc);
    cell.tokens.push(s.tokens);
    cell.context.push(top.reduce((a, c) => a + counter.count(c.text), 0));
    cell.seconds.push((performance.now() - started) / 1000);
    cells.set(key, cell);
    done++;
    notifyProgress(opts.onProgress, {
      status: 'progress',
      done,
      ...(total !== undefined ? { total } : {}),
      unit: 'contexts',
      message: `${s.id}: ${acc === 1 ? 'found' : 'missed'}, ${cell.context.at(-1)} context tokens, ${cell.seconds.at(-1)!.toFixed(1)} s`,
    });
  }
  const grid: GridCell[] = [...cells.values()]
    .map((c) => ({
      length: c.length,
      depth: c.depth,
      accuracy: meanDefined(c.acc),
      n: c.acc.length,
      tokens: meanDefined(c.tokens),
      context_tokens: meanDefined(c.context),
      seconds: meanDefined(c.seconds),
    }))
    .sort((a, b) => a.length - b.length || a.depth - b.depth);
  const all = [...cells.values()].flatMap((c) => c.acc);
  return {
    task: 'niah',
    n: done,
    metrics: {
      accuracy: meanDefined(all),
      chunking_ms: chunkingMs,
      latency_ms_p50: percentile(latency, 50),
      latency_ms_p95: percentile(latency, 95),
    },
    grid,
    notes: [
      budget !== undefined
        ? `accuracy = fraction of gold needles wholly inside the chunks that fill a ${budget}-token budget in rank order; lengths in evaluation-tokenizer tokens`
        : `accuracy = fraction of gold needles wholly inside the top ${k} chunks; lengths in evaluation-tokenizer tokens`,
      'context_tokens = evaluation-tokenizer tokens of the chunks that reached the context (mean per cell); seconds = chunking + ranking per context',
    ],
  };
}
