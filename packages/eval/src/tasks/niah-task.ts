import { notifyProgress, SiftError, throwIfAborted, type Embedder, type RunOptions } from '@sift/core';
import type { NiahSample, TokenCounter } from '../datasets/niah.js';
import { chunkerSpecOf, PIPELINE_DEFAULTS } from '@sift/pipeline';
import type { EvalComponents } from '../eval-components.js';
import type { ResolvedPipeline } from '../eval-config.js';
import type { EvalReport, GridCell } from '../eval-report.js';
import { meanDefined, percentile } from '../metrics/summary.js';
import { chunkCorpus, WHOLE_DOCUMENTS } from './chunk-corpus.js';
import { SpanCoverage } from './span-coverage.js';

export const DEFAULT_NIAH_CHUNKER = { chunker: 'recursive', size: 256 } as const;

export interface NiahTaskInput {
  samples: readonly NiahSample[];
  pipeline: ResolvedPipeline;
  components: EvalComponents;
  counter: TokenCounter;
  embedder?: Embedder;
}

/**
 * Retrieval-only needle in a haystack: chunk each generated context, index its chunks, retrieve the top k for the
 * question, and score the fraction of gold needles wholly inside the retrieved chunks (1/0 for a single needle).
 * No language model reads anything; this measures whether the right text would reach one.
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
  const chunker = await components.createChunker(chunkerSpec);
  const cells = new Map<string, { length: number; depth: number; acc: number[]; tokens: number[] }>();
  const latency: number[] = [];
  let chunkingMs = 0;
  let done = 0;
  for (const s of samples) {
    throwIfAborted(opts.signal);
    const { chunks, chunkingMs: ms } = await chunkCorpus([s.document], chunker, counter, opts.signal ? { signal: opts.signal } : {});
    chunkingMs += ms;
    const retriever = await components.createRetriever(pipeline.retriever, chunks, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(input.embedder ? { embedder: input.embedder } : {}),
    });
    const t = performance.now();
    const top = await retriever.retrieve(s.question, k, opts);
    latency.push(performance.now() - t);
    // A retriever that loaded a model for this context (infiniretri's LM) frees it before the next one.
    await (retriever as { close?: () => Promise<void> }).close?.();
    const acc = new SpanCoverage(top).fractionCovered(s.gold) ?? 0;
    const key = `${s.length}|${s.depth}`;
    const cell = cells.get(key) ?? { length: s.length, depth: s.depth, acc: [], tokens: [] };
    cell.acc.push(acc);
    cell.tokens.push(s.tokens);
    cells.set(key, cell);
    done++;
    notifyProgress(opts.onProgress, { status: 'progress', done, total: samples.length, unit: 'contexts' });
  }
  const grid: GridCell[] = [...cells.values()]
    .map((c) => ({ length: c.length, depth: c.depth, accuracy: meanDefined(c.acc), n: c.acc.length, tokens: meanDefined(c.tokens) }))
    .sort((a, b) => a.length - b.length || a.depth - b.depth);
  const all = [...cells.values()].flatMap((c) => c.acc);
  return {
    task: 'niah',
    n: samples.length,
    metrics: {
      accuracy: meanDefined(all),
      chunking_ms: chunkingMs,
      latency_ms_p50: percentile(latency, 50),
      latency_ms_p95: percentile(latency, 95),
    },
    grid,
    notes: [`accuracy = fraction of gold needles wholly inside the top ${k} chunks; lengths in evaluation-tokenizer tokens`],
  };
}
