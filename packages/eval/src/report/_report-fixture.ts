import type { EvalReport } from '../eval-report.js';

/** A report with every section filled, for renderer tests and the browser e2e (numbers are illustrative). */
export function fixtureReport(): EvalReport {
  const depths = [0, 25, 50, 75, 100];
  const lengths = [4096, 16384, 65536];
  return {
    dataset: 'hotpotqa-100',
    task: 'retrieval',
    pipeline: { chunker: 'none', retriever: 'bm25', k: 5, selector: { name: 'budget' }, budgets: [256, 512] },
    n: 100,
    metrics: { 'recall@2': 0.6, 'recall@5': 0.785, 'recall@10': 0.88, 'mrr@10': 0.884, 'ndcg@10': 0.787, 'answer_in_context@5': 0.648, tokens_per_query: 406.6, latency_ms_p50: 0.1, pk: 0.21, accuracy: 0.9, missing: null },
    curve: [1, 2, 3, 5, 10, 20].map((k, i) => ({ k, recall: 0.4 + i * 0.1, all_gold: 0.1 + i * 0.12, answer_in_context: 0.27 + i * 0.1, tokens: 80 * k })),
    budgets: [
      { budget: 256, recall: 0.55, answer_in_context: 0.5, tokens_per_query: 240 },
      { budget: 512, recall: 0.7, answer_in_context: 0.62, tokens_per_query: 490 },
    ],
    grid: lengths.flatMap((length, j) => depths.map((depth, i) => ({ length, depth, accuracy: Math.max(0, 1 - (i * j) / 8), n: 3, tokens: length }))),
    subsets: [
      { subset: '1/3-11', n: 50, pk: 0.25, windowdiff: 0.27, pk_no_boundaries: 0.46, pk_all_boundaries: 0.54 },
      { subset: '1/3-5', n: 50, pk: 0.3, windowdiff: 0.33, pk_no_boundaries: 0.462, pk_all_boundaries: 0.538 },
    ],
    documents: Array.from({ length: 12 }, (_, i) => ({ id: `1/3-11/${i}`, subset: '1/3-11', sentences: 70, segments: 10, predicted_segments: 9, window: 4, pk: 0.1 + (i % 5) * 0.05, windowdiff: 0.12 + (i % 5) * 0.05 })),
    baselines: { reference: { pk: 0, windowdiff: 0 }, no_boundaries: { pk: 0.46, windowdiff: 0.46 }, all_boundaries: { pk: 0.54, windowdiff: 1 } },
    notes: ['fixture <b>escaped</b> & safe'],
    meta: { created: '2026-01-01T00:00:00.000Z', elapsed_ms: 1234 },
  };
}
