import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '@sift/pipeline';
import { loadHotpotQa } from './datasets/hotpotqa.js';
import { runEval } from './run-eval.js';
import type { EvalComponents } from './eval-components.js';
import { sharedDataset } from './testing/_datasets-available.js';
import { wordCounter, wordWindowChunker } from './testing/_fakes.js';

const hp = sharedDataset('hotpotqa-100');
const choi = sharedDataset('choi');
const pg = sharedDataset('paul-graham-essays');

// Real BM25 and selectors; a word-window chunker and word counts stand in where only consistency matters.
const components: Partial<EvalComponents> = {
  tokenizer: () => Promise.resolve(wordCounter),
  createChunker: (c) => Promise.resolve(wordWindowChunker(Number((c as { size?: number }).size ?? 40))),
};

describe.skipIf(!hp.present)('runEval retrieval on hotpotqa-100', () => {
  it('reports the contract keys with passage-level BM25 and recall@5 >= 0.70', async () => {
    const events: number[] = [];
    const r = await runEval({ dataset: 'hotpotqa-100' }, { components, onProgress: (p) => p.unit === 'questions' && events.push(p.done) });
    expect(r).toMatchObject({ dataset: 'hotpotqa-100', task: 'retrieval', n: 100 });
    for (const k of ['recall@2', 'recall@5', 'recall@10', 'mrr@10', 'ndcg@10', 'answer_in_context@5', 'tokens_per_query', 'latency_ms_p50']) {
      expect(r.metrics[k], k).toBeTypeOf('number');
    }
    expect(r.metrics['recall@5']).toBeGreaterThanOrEqual(0.7);
    expect(r.metrics['recall@2']).toBeLessThanOrEqual(r.metrics['recall@5']!);
    expect(r.metrics['recall@5']).toBeLessThanOrEqual(r.metrics['recall@10']!);
    expect(r.curve!.map((p) => p.k)).toEqual([1, 2, 3, 5, 10, 20]);
    expect(events.at(-1)).toBe(100);
    // Per-question results: the top 10 passages and the gold ones among them, consistent with recall@10.
    expect(r.items).toHaveLength(100);
    const item = r.items![0]!;
    expect(item.retrieved.length).toBeLessThanOrEqual(10);
    expect(item.hits.every((h) => item.gold.includes(h) && item.retrieved.includes(h))).toBe(true);
    const recall10 = r.items!.reduce((s, i) => s + i.hits.length / i.gold.length, 0) / r.items!.length;
    expect(recall10).toBeCloseTo(r.metrics['recall@10']!, 12);
    // Which Sift made it, and the whole pipeline config with its defaults.
    expect(r.meta.sift_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.meta.git_commit === null || /^[0-9a-f]{40}$/.test(r.meta.git_commit!)).toBe(true);
    expect(r.pipeline).toMatchObject({ chunker: 'none', retriever: { retriever: 'bm25' }, k: 10 });
  });
  it('a budget selector reports recall, answer_in_context and tokens_per_query of the selected set within budget', async () => {
    const r = await runEval({ dataset: 'hotpotqa-100', limit: 20, pipeline: { chunker: { chunker: 'token', size: 30 }, selector: 'budget', budgets: [100, 300] } }, { components });
    expect(r.budgets!.map((b) => b.budget)).toEqual([100, 300]);
    expect(r.budgets![0]!.tokens_per_query).toBeLessThanOrEqual(100);
    expect(r.budgets![1]!.tokens_per_query).toBeLessThanOrEqual(300);
    expect(r.budgets![1]!.recall).toBeGreaterThan(r.budgets![0]!.recall);
    expect(r.metrics.recall).toBe(r.budgets![0]!.recall);
    expect(r.metrics.tokens_per_query).toBe(r.budgets![0]!.tokens_per_query);
    expect(r.metrics.answer_in_context).toBeTypeOf('number');
  });
  it('a reader adds EM and F1', async () => {
    const reader = { answer: (q: string) => Promise.resolve(q.includes('Gallu') ? 'demon' : 'nothing') };
    const r = await runEval({ dataset: 'hotpotqa-100', limit: 2 }, { components, reader });
    expect(r.metrics.em).toBeGreaterThanOrEqual(0);
    expect(r.metrics.f1).toBeGreaterThanOrEqual(r.metrics.em!);
  });
  it('chunking task: support_recall@B per budget', async () => {
    const r = await runEval({ dataset: 'hotpotqa-100', task: 'chunking', limit: 5, pipeline: { chunker: { chunker: 'token', size: 25 }, budgets: [64, 256] } }, { components });
    expect(r.task).toBe('chunking');
    expect(r.n).toBe(5);
    expect(r.metrics['support_recall@64']).toBeGreaterThan(0);
    expect(r.metrics['support_recall@256']).toBeGreaterThan(r.metrics['support_recall@64']!);
    expect(r.metrics.chunking_ms).toBeGreaterThanOrEqual(0);
    expect(r.budgets!.every((b) => b.tokens_per_query <= b.budget)).toBe(true);
    // Per-question results: one per question, and their mean is the metric (every question here has evidence).
    const items = r.chunking_items!;
    expect(items).toHaveLength(5);
    expect(new Set(items.map((i) => i.id)).size).toBe(5);
    for (const b of [64, 256]) {
      const mean = items.reduce((s, i) => s + i.recall[b]!, 0) / items.length;
      expect(mean).toBeCloseTo(r.metrics[`support_recall@${b}`]!, 12);
      expect(items.every((i) => i.tokens[b]! <= b)).toBe(true);
    }
  });
  it('chunking task: an embedding chunker (semantic) gets the default embedder, closed after the run', async () => {
    const asked: string[] = [];
    let closed = 0;
    const embedder = { id: 'fake', dim: 2, embed: () => Promise.resolve([]), close: () => Promise.resolve(void closed++) };
    const seen: unknown[] = [];
    const r = await runEval(
      { dataset: 'hotpotqa-100', task: 'chunking', limit: 2, pipeline: { chunker: { chunker: 'semantic', size: 40 }, budgets: [256] } },
      {
        components: {
          ...components,
          createEmbedder: (name) => (asked.push(name), Promise.resolve(embedder as never)),
          createChunker: (c, deps) => (seen.push(deps?.embedder), Promise.resolve(wordWindowChunker(Number((c as { size?: number }).size ?? 40)))),
        },
      },
    );
    expect(r.n).toBe(2);
    expect(asked).toEqual(['use-lite']);
    expect(seen).toEqual([embedder]);
    expect(closed).toBe(1);
  });
  it('chunking task extremes: one chunk per document is all-or-nothing at the budget', async () => {
    const r = await runEval({ dataset: 'hotpotqa-100', task: 'chunking', limit: 5, pipeline: { chunker: { chunker: 'token', size: 100000 }, budgets: [64, 100000] } }, { components });
    expect(r.metrics['support_recall@64']).toBe(0);
    expect(r.metrics['support_recall@100000']).toBe(1);
  });
  it('stops on abort between questions', async () => {
    const ac = new AbortController();
    const p = runEval({ dataset: 'hotpotqa-100' }, { components, signal: ac.signal, onProgress: (e) => e.unit === 'questions' && e.done === 3 && ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});

describe.skipIf(!hp.present)('runEval ranks as a pipeline over an on-disk index does', () => {
  it('each question\'s top 10 passages equal createPipeline().query over the same corpus (bm25, whole passages)', async () => {
    const r = await runEval({ dataset: 'hotpotqa-100', limit: 15, pipeline: { retriever: 'bm25' } });
    const data = await loadHotpotQa({ dir: hp.dir, limit: 15 });
    const dir = await mkdtemp(join(tmpdir(), 'sift-eval-same-'));
    try {
      await using pipeline = await createPipeline({ index: join(dir, 'idx'), chunker: 'none', retriever: 'bm25' });
      await pipeline.index(data.documents);
      for (const [i, q] of data.questions.entries()) {
        const { chunks } = await pipeline.query(q.question, { k: 10 });
        expect(r.items![i]!.retrieved, q.id).toEqual(chunks.map((c) => c.docId));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!choi.present)('runEval segmentation on choi', () => {
  it('reference Pk is 0 and "no boundaries" matches Choi Table.txt (0.46) within 0.02', async () => {
    const r = await runEval({ dataset: 'choi:1/3-11', pipeline: { segmenter: 'baseline:none' } });
    expect(r.n).toBe(50);
    expect(r.baselines!.reference).toEqual({ pk: 0, windowdiff: 0 });
    expect(Math.abs(r.baselines!.no_boundaries!.pk - 0.46)).toBeLessThanOrEqual(0.02);
    expect(r.metrics.pk).toBeCloseTo(r.baselines!.no_boundaries!.pk, 12);
    expect(Math.abs(r.baselines!.all_boundaries!.pk - 0.54)).toBeLessThanOrEqual(0.02);
    expect(r.documents).toHaveLength(50);
    expect(r.subsets!.map((s) => s.subset)).toEqual(['1/3-11']);
  });
  it('known k reaches the segmenter', async () => {
    const r = await runEval({ dataset: 'choi:1/3-5', limit: 5, pipeline: { segmenter: 'baseline:even', knownK: true } });
    expect(r.documents!.every((d) => d.predicted_segments === 10)).toBe(true);
    await expect(runEval({ dataset: 'choi:1/3-5', limit: 1, pipeline: { segmenter: 'baseline:even' } })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });
});

describe.skipIf(!pg.present)('runEval niah', () => {
  it('fills the depth x length grid; BM25 finds a single needle', async () => {
    const r = await runEval(
      { dataset: 'niah', niah: { lengths: [512, 2048], depths: [0, 50, 100], samples: 2 }, pipeline: { chunker: { chunker: 'token', size: 40 }, k: 3 } },
      { components },
    );
    expect(r.grid!.map((c) => [c.length, c.depth])).toEqual([[512, 0], [512, 50], [512, 100], [2048, 0], [2048, 50], [2048, 100]]);
    expect(r.n).toBe(12);
    expect(r.metrics.accuracy, JSON.stringify(r.grid)).toBeGreaterThanOrEqual(0.9);
  });

  it('with one token budget, fills it in rank order and reports the context tokens per cell', async () => {
    const base = { dataset: 'niah', niah: { lengths: [2048], depths: [0, 100], samples: 1 } } as const;
    const r = await runEval({ ...base, pipeline: { chunker: { chunker: 'token', size: 40 }, budgets: [120] } }, { components });
    for (const c of r.grid!) {
      expect(c.context_tokens).toBeGreaterThan(40);
      expect(c.context_tokens).toBeLessThanOrEqual(120);
      expect(c.seconds).toBeGreaterThan(0);
    }
    expect(r.notes!.join(' ')).toContain('120-token budget');
    const topk = await runEval({ ...base, pipeline: { chunker: { chunker: 'token', size: 40 }, k: 1 } }, { components });
    for (const c of topk.grid!) expect(c.context_tokens).toBeLessThan(60); // one 40-token chunk (counted by the eval tokenizer)
    await expect(runEval({ ...base, pipeline: { budgets: [100, 200] } }, { components })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });
});

describe('runEval on a BEIR folder', () => {
  it('graded qrels drive nDCG; unjudged queries are left out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-beir-eval-'));
    try {
      await mkdir(join(dir, 'qrels'));
      const docs = [
        { _id: 'cats', title: 'Cats', text: 'Cats purr and sleep in the sun.' },
        { _id: 'dogs', title: 'Dogs', text: 'Dogs bark at the mail carrier.' },
        { _id: 'fish', title: 'Fish', text: 'Fish swim; some cats watch fish.' },
      ];
      await writeFile(join(dir, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n'));
      await writeFile(join(dir, 'queries.jsonl'), '{"_id":"q1","text":"why do cats purr"}\n{"_id":"q2","text":"no judgments"}\n');
      await writeFile(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\tcats\t2\nq1\tfish\t1\n');
      const r = await runEval({ dataset: `beir:${dir}` }, { components });
      expect(r.n).toBe(1);
      // BM25 ranks cats (purr, cats) first, fish (cats) second: the ideal order, so nDCG@10 = 1.
      expect(r.metrics['ndcg@10']).toBeCloseTo(1, 12);
      expect(r.metrics['recall@2']).toBe(1);
      expect(r.metrics['answer_in_context@5']).toBeNaN(); // BEIR has no answer strings
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runEval config errors', () => {
  it('names the bad key or the dataset', async () => {
    await expect(runEval({ dataset: 'mnist' }, { components })).rejects.toMatchObject({ code: 'E_BAD_CONFIG', message: expect.stringContaining('mnist') });
    await expect(runEval({ dataset: 'hotpotqa-100', pipeline: { k: 0 } }, { components })).rejects.toThrow(/"pipeline\.k"/);
    await expect(runEval({ dataset: 'choi:1/3-11' }, { components })).rejects.toThrow(/needs a segmenter/);
    await expect(runEval({ dataset: 'hotpotqa-100', bogus: 1 } as never, { components })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });
  it('a missing datasets folder is one E_DATASET_MISSING line naming the file', async () => {
    await expect(runEval({ dataset: 'squad2', datasetsDir: '/nonexistent/datasets' }, { components })).rejects.toMatchObject({
      code: 'E_DATASET_MISSING',
      message: expect.stringMatching(/^Dataset file not found: \/nonexistent\/datasets\/squad2-dev-extract\/dev-v2\.0\.json\. [^\n]+$/),
    });
  });
});
