import { notifyProgress, throwIfAborted, type RunOptions, type Segmenter } from '@sift/core';
import type { ChoiDocument } from '../datasets/choi.js';
import { choiPublishedPk } from '../datasets/choi-published.js';
import type { EvalReport, SegmentationDocument, SubsetSummary } from '../eval-report.js';
import { boundariesFromStarts, defaultWindow, pk, windowDiff } from '../metrics/segmentation.js';
import { meanDefined } from '../metrics/summary.js';

export interface SegmentationTaskInput {
  documents: AsyncIterable<ChoiDocument>;
  segmenter: Segmenter;
  /** Give the segmenter the reference number of segments. */
  knownK: boolean;
  total?: number;
}

/**
 * Segmentation against reference boundaries, per document: Pk and WindowDiff with k = half the mean reference
 * segment length (rounded as NLTK does), averaged over documents and per subset. Every document is also scored
 * for the reference itself (must be 0) and the "no boundaries" / "all boundaries" baselines of Choi's Table.txt.
 */
export async function runSegmentationTask(input: SegmentationTaskInput, opts: RunOptions = {}): Promise<Omit<EvalReport, 'meta' | 'dataset' | 'pipeline'>> {
  const docs: SegmentationDocument[] = [];
  const base = { reference: { pk: [] as number[], wd: [] as number[] }, none: { pk: [] as number[], wd: [] as number[] }, all: { pk: [] as number[], wd: [] as number[] } };
  const bySubset = new Map<string, { pk: number[]; wd: number[]; none: number[]; all: number[] }>();
  let segmentMs = 0;
  let sentences = 0;
  for await (const d of input.documents) {
    throwIfAborted(opts.signal);
    const n = d.sentences.length;
    const ref = boundariesFromStarts(n, d.starts);
    const k = Math.min(n, Math.max(1, defaultWindow(n, d.starts.length)));
    const t0 = performance.now();
    const hypStarts = await input.segmenter.segment([...d.sentences], {
      ...(input.knownK ? { k: d.starts.length } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    segmentMs += performance.now() - t0;
    sentences += n;
    const hyp = boundariesFromStarts(n, hypStarts);
    const row: SegmentationDocument = {
      id: d.id,
      subset: d.subset,
      sentences: n,
      segments: d.starts.length,
      predicted_segments: 1 + hyp.reduce((s, b) => s + b, 0),
      window: k,
      pk: pk(ref, hyp, k),
      windowdiff: windowDiff(ref, hyp, k),
    };
    docs.push(row);
    const none = new Uint8Array(n);
    const all = new Uint8Array(n).fill(1);
    all[n - 1] = 0;
    base.reference.pk.push(pk(ref, ref, k));
    base.reference.wd.push(windowDiff(ref, ref, k));
    base.none.pk.push(pk(ref, none, k));
    base.none.wd.push(windowDiff(ref, none, k));
    base.all.pk.push(pk(ref, all, k));
    base.all.wd.push(windowDiff(ref, all, k));
    const s = bySubset.get(d.subset) ?? { pk: [], wd: [], none: [], all: [] };
    s.pk.push(row.pk);
    s.wd.push(row.windowdiff);
    s.none.push(base.none.pk[base.none.pk.length - 1]!);
    s.all.push(base.all.pk[base.all.pk.length - 1]!);
    bySubset.set(d.subset, s);
    notifyProgress(opts.onProgress, { status: 'progress', done: docs.length, ...(input.total !== undefined ? { total: input.total } : {}), unit: 'documents' });
  }
  const subsets: SubsetSummary[] = [...bySubset].map(([subset, s]) => {
    const published = choiPublishedPk(subset);
    return {
      subset,
      n: s.pk.length,
      pk: meanDefined(s.pk),
      windowdiff: meanDefined(s.wd),
      pk_no_boundaries: meanDefined(s.none),
      pk_all_boundaries: meanDefined(s.all),
      ...(published ? { published } : {}),
    };
  });
  return {
    task: 'segmentation',
    n: docs.length,
    metrics: {
      pk: meanDefined(docs.map((d) => d.pk)),
      windowdiff: meanDefined(docs.map((d) => d.windowdiff)),
      segment_ms: segmentMs,
      sentences_per_s: segmentMs > 0 ? (sentences / segmentMs) * 1000 : Number.NaN,
    },
    subsets,
    documents: docs,
    baselines: {
      reference: { pk: meanDefined(base.reference.pk), windowdiff: meanDefined(base.reference.wd) },
      no_boundaries: { pk: meanDefined(base.none.pk), windowdiff: meanDefined(base.none.wd) },
      all_boundaries: { pk: meanDefined(base.all.pk), windowdiff: meanDefined(base.all.wd) },
    },
    notes: [
      'Pk and WindowDiff as NLTK computes them, over one boundary flag per sentence; window k = half the mean reference segment length per document',
      `number of segments ${input.knownK ? 'given to the segmenter (known k)' : 'left to the segmenter (unknown k)'}`,
    ],
  };
}
