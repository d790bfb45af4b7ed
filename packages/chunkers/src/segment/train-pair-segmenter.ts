import { notifyProgress, throwIfAborted, type Embedder, type RunOptions } from '@sift/core';
import { buildPairDataset, type PairCorpusDoc, type SentencePair } from './pair-dataset.js';
import type { PairModelConfig } from './pair-model-files.js';
import type { PairMlpWeights } from './pair-mlp.js';
import { meanUnit } from './mean-unit.js';
import { pairAccuracy, trainPairMlp, type PairExamples } from './train-pair-mlp.js';

export interface TrainPairSegmenterOptions extends RunOptions {
  seed?: number;
  holdOut?: number;
  hidden?: number;
  epochs?: number;
  maxPositivesPerDoc?: number;
  /** Sentences per embedder call (progress and abort are checked between calls). */
  embedBatch?: number;
  /** Sentences averaged on each side of a gap (1 = SAGE's sentence pairs); stored with the model. */
  context?: number;
}

export interface TrainPairSegmenterReport {
  pairs: { train: number; test: number };
  sentencesEmbedded: number;
  embedSeconds: number;
  trainSeconds: number;
  losses: number[];
  trainAccuracy: number;
  heldOutAccuracy: number;
  /** Held-out accuracy per corpus (pairs whose two sentences come from different corpora count as 'mixed'). */
  heldOutBySource: Record<string, { accuracy: number; n: number }>;
}

/**
 * Trains SAGE's pair segmenter on paragraph boundaries: builds balanced pairs (documents split 90/10 before
 * pairing), embeds every distinct sentence once, trains the MLP and measures held-out accuracy at threshold 0.5.
 */
export async function trainPairSegmenter(
  docs: readonly PairCorpusDoc[],
  embedder: Embedder,
  opts: TrainPairSegmenterOptions = {},
): Promise<{ weights: PairMlpWeights; config: Omit<PairModelConfig, 'format' | 'dim' | 'hidden'>; report: TrainPairSegmenterReport }> {
  const { train, test } = buildPairDataset(docs, {
    seed: opts.seed ?? 1,
    holdOut: opts.holdOut ?? 0.1,
    ...(opts.maxPositivesPerDoc !== undefined ? { maxPositivesPerDoc: opts.maxPositivesPerDoc } : {}),
    context: opts.context ?? 1,
  });
  const texts = [...new Set([...train, ...test].flatMap((p) => [...p.a, ...p.b]))];
  const t0 = performance.now();
  const vectors = new Map<string, Float32Array>();
  const batch = opts.embedBatch ?? 256;
  for (let i = 0; i < texts.length; i += batch) {
    throwIfAborted(opts.signal);
    const slice = texts.slice(i, i + batch);
    const out = await embedder.embed(slice, opts.signal ? { signal: opts.signal } : {});
    slice.forEach((t, j) => vectors.set(t, out[j]!));
    notifyProgress(opts.onProgress, { status: 'progress', done: Math.min(i + batch, texts.length), total: texts.length, unit: 'sentences embedded' });
  }
  const embedSeconds = (performance.now() - t0) / 1000;
  const examples = (pairs: SentencePair[]): PairExamples => ({
    a: pairs.map((p) => meanUnit(p.a.map((t) => vectors.get(t)!))),
    b: pairs.map((p) => meanUnit(p.b.map((t) => vectors.get(t)!))),
    same: Uint8Array.from(pairs, (p) => p.same),
  });
  const t1 = performance.now();
  const { weights, losses } = await trainPairMlp(examples(train), {
    hidden: opts.hidden ?? 128,
    epochs: opts.epochs ?? 6,
    seed: opts.seed ?? 1,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const trainSeconds = (performance.now() - t1) / 1000;
  const heldOutBySource: Record<string, { accuracy: number; n: number }> = {};
  for (const source of [...new Set(test.map((p) => p.source))].sort()) {
    const r = pairAccuracy(weights, examples(test.filter((p) => p.source === source)));
    heldOutBySource[source] = { accuracy: r.accuracy, n: r.n };
  }
  const report: TrainPairSegmenterReport = {
    pairs: { train: train.length, test: test.length },
    sentencesEmbedded: texts.length,
    embedSeconds,
    trainSeconds,
    losses,
    trainAccuracy: pairAccuracy(weights, examples(train)).accuracy,
    heldOutAccuracy: pairAccuracy(weights, examples(test)).accuracy,
    heldOutBySource,
  };
  const sources = [...new Set(docs.map((d) => d.source))].sort();
  return { weights, report, config: { embedder: embedder.id, threshold: 0.5, context: opts.context ?? 1, training: { sources, seed: opts.seed ?? 1, ...report } } };
}
