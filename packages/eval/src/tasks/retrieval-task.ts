import { notifyProgress, throwIfAborted, type Chunk, type Embedder, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import { chunkerSpecOf, PIPELINE_DEFAULTS, selectorNameOf, type PipelineParts } from '@sift/pipeline';
import type { QaDataset } from '../datasets/qa-dataset.js';
import type { TokenCounter } from '../datasets/niah.js';
import type { EvalComponents } from '../eval-components.js';
import type { ResolvedPipeline } from '../eval-config.js';
import type { BudgetPoint, CurvePoint, EvalReport } from '../eval-report.js';
import { allGoldAtK } from '../metrics/all-gold-at-k.js';
import { answerInContext } from '../metrics/answer-in-context.js';
import { mrrAtK } from '../metrics/mrr-at-k.js';
import { ndcgAtK } from '../metrics/ndcg-at-k.js';
import { precisionAtK } from '../metrics/precision-at-k.js';
import { recallAtK } from '../metrics/recall-at-k.js';
import { relevantIds, topDistinct } from '../metrics/ranking.js';
import { meanDefined, percentile } from '../metrics/summary.js';
import { exactMatch } from '../metrics/exact-match.js';
import { tokenF1 } from '../metrics/token-f1.js';
import { WHOLE_DOCUMENTS } from './chunk-corpus.js';
import { buildEvalIndex } from './eval-index.js';
import { rankChunks } from './rank-chunks.js';

/** Answers a question from the selected context; enables EM and F1 (SQuAD definitions). */
export interface Reader {
  answer(question: string, context: readonly string[], opts?: RunOptions): Promise<string>;
}

export interface RetrievalTaskInput {
  dataset: QaDataset;
  pipeline: ResolvedPipeline;
  ks: readonly number[];
  components: EvalComponents;
  counter: TokenCounter;
  embedder?: Embedder;
  reader?: Reader;
  /** Component objects that replace the config's (a custom retriever, selector, reranker…). */
  parts?: PipelineParts;
}

/** One question's outcome in report.json: its gold passages, the passages ranked (top 10), and the gold ones among them. */
export interface QuestionResult {
  id: string;
  gold: string[];
  retrieved: string[];
  hits: string[];
}

const contextOf = (chunks: readonly Chunk[]) => chunks.map((c) => c.text).join('\n');
const sumTokens = (chunks: readonly Chunk[]) => chunks.reduce((s, c) => s + c.tokenCount, 0);
const docIds = (chunks: readonly Chunk[]) => chunks.map((c) => c.docId);

/**
 * QA retrieval: build the corpus into a temporary on-disk index through `@sift/pipeline` (as `sift index` does) and
 * per question rank passages through it (as `sift query` does; a passage's rank is that of its best chunk). Passage
 * metrics at cut-offs; the context (top k chunks, or the selector's choice at each budget) gives answer_in_context
 * and tokens_per_query; latency covers retrieve+select.
 */
export async function runRetrievalTask(
  input: RetrievalTaskInput,
  opts: RunOptions = {},
): Promise<Omit<EvalReport, 'meta' | 'dataset' | 'pipeline'> & { pipeline: Record<string, unknown>; items: QuestionResult[] }> {
  const { dataset, pipeline: config, components, counter } = input;
  // Passage-level by default (one chunk per passage, as the HotpotQA/BEIR baselines report); size etc. merge into the chunker.
  const chunkerSpec = chunkerSpecOf(config) ?? WHOLE_DOCUMENTS;
  const chunker = chunkerSpec === WHOLE_DOCUMENTS ? WHOLE_DOCUMENTS : await components.createChunker(chunkerSpec);
  const built = await buildEvalIndex(
    dataset.documents,
    { pipeline: config, chunker, chunkerSpec, counter, ...(input.embedder ? { embedder: input.embedder } : {}), ...(input.parts ? { parts: input.parts } : {}) },
    opts,
  );
  try {
    return await rankQuestions(input, built, opts);
  } finally {
    await built.dispose();
  }
}

async function rankQuestions(
  input: RetrievalTaskInput,
  built: Awaited<ReturnType<typeof buildEvalIndex>>,
  opts: RunOptions,
): Promise<Omit<EvalReport, 'meta' | 'dataset' | 'pipeline'> & { pipeline: Record<string, unknown>; items: QuestionResult[] }> {
  const { dataset, pipeline: config } = input;
  const { pipeline, chunkingMs, indexMs } = built;
  const k = config.k ?? PIPELINE_DEFAULTS.k;
  const retriever: Retriever = { name: 'pipeline', retrieve: (q, depth, o) => pipeline.retrieve(q, depth, o) };
  // Each selector (several with `selectors`) is run at each budget: one point per (selector, budget).
  const selectorSpecs: unknown[] = input.parts?.selector ? [input.parts.selector] : (config.selectors ?? (config.selector !== undefined ? [config.selector] : []));
  const selectorName = input.parts?.selector?.name ?? selectorNameOf(selectorSpecs[0]) ?? (config.budget !== undefined ? 'budget' : undefined);
  const hasSelector = selectorName !== undefined;
  const budgetList: Array<number | undefined> = hasSelector ? (config.budgets?.length ? config.budgets : [config.budget]) : [];
  const runs = (selectorSpecs.length > 0 ? selectorSpecs : [undefined]).flatMap((spec) => budgetList.map((budget) => ({ spec, budget })));
  const budgets = runs.map((r) => r.budget);
  const severalSelectors = selectorSpecs.length > 1;
  const items: QuestionResult[] = [];
  const ks = [...new Set([...input.ks, 1, 2, 5, 10, k])].sort((a, b) => a - b);
  const maxK = ks[ks.length - 1]!;
  const perK = new Map<number, { recall: Array<number | undefined>; allGold: Array<number | undefined>; aic: Array<number | undefined>; tokens: number[] }>();
  for (const k of ks) perK.set(k, { recall: [], allGold: [], aic: [], tokens: [] });
  const mrr: Array<number | undefined> = [];
  const ndcg: Array<number | undefined> = [];
  const p5: Array<number | undefined> = [];
  const latency: number[] = [];
  const selTokens: number[] = [];
  const em: number[] = [];
  const f1: number[] = [];
  const perBudget = budgets.map(() => ({ recall: [] as Array<number | undefined>, aic: [] as Array<number | undefined>, tokens: [] as number[] }));
  // Selectors see a deep candidate list so a budget is never starved by the cut-off.
  const candidateDepth = Math.max(maxK, 50);

  let done = 0;
  for (const q of dataset.questions) {
    throwIfAborted(opts.signal);
    const t = performance.now();
    const ranked = await rankChunks(retriever, q.question, maxK, hasSelector ? candidateDepth : k, opts);
    let selections: ScoredChunk[][] = [];
    if (hasSelector) {
      for (const { spec, budget: b } of runs) {
        const s = await pipeline.select(q.question, ranked, {
          ...(spec !== undefined && !input.parts?.selector ? { selector: spec as never } : {}),
          ...(b !== undefined ? { budget: b } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        selections.push(s.chunks);
      }
    } else {
      selections = [ranked.slice(0, k)];
    }
    latency.push(performance.now() - t);

    const ranking = docIds(ranked);
    const relevant = relevantIds(q.gold);
    const top10 = topDistinct(ranking, 10);
    items.push({ id: q.id, gold: [...relevant], retrieved: top10, hits: top10.filter((id) => relevant.has(id)) });
    for (const k of ks) {
      const m = perK.get(k)!;
      const top = ranked.slice(0, k);
      m.recall.push(recallAtK(ranking, q.gold, k));
      m.allGold.push(allGoldAtK(ranking, q.gold, k));
      m.aic.push(answerInContext(contextOf(top), q.answers));
      m.tokens.push(sumTokens(top));
    }
    mrr.push(mrrAtK(ranking, q.gold, 10));
    ndcg.push(ndcgAtK(ranking, q.gold, 10));
    p5.push(precisionAtK(ranking, q.gold, 5));
    selections.forEach((sel, i) => {
      const b = perBudget[i];
      if (!b) return;
      b.recall.push(recallAtK(docIds(sel), q.gold, Number.POSITIVE_INFINITY));
      b.aic.push(answerInContext(contextOf(sel), q.answers));
      b.tokens.push(sumTokens(sel));
    });
    const context = selections[0] ?? [];
    selTokens.push(sumTokens(context));
    if (input.reader) {
      const pred = await input.reader.answer(q.question, context.map((c) => c.text), opts);
      em.push(exactMatch(pred, q.answers));
      f1.push(tokenF1(pred, q.answers));
    }
    done++;
    notifyProgress(opts.onProgress, { status: 'progress', done, total: dataset.questions.length, unit: 'questions' });
  }

  const metrics: Record<string, number> = {};
  for (const k of ks) metrics[`recall@${k}`] = meanDefined(perK.get(k)!.recall);
  for (const k of [2, 5, 10]) metrics[`all_gold@${k}`] = meanDefined(perK.get(k)!.allGold);
  metrics['precision@5'] = meanDefined(p5);
  metrics['mrr@10'] = meanDefined(mrr);
  metrics['ndcg@10'] = meanDefined(ndcg);
  for (const k of [1, 5, 10]) metrics[`answer_in_context@${k}`] = meanDefined(perK.get(k)!.aic);
  metrics.tokens_per_query = meanDefined(selTokens);
  metrics.latency_ms_p50 = percentile(latency, 50);
  metrics.latency_ms_p95 = percentile(latency, 95);
  metrics.index_ms = indexMs;
  metrics.chunking_ms = chunkingMs;
  metrics.chunks = built.chunks;
  const budgetPoints: BudgetPoint[] = [];
  perBudget.forEach((b, i) => {
    const point: BudgetPoint = {
      budget: budgets[i] ?? Number.NaN,
      ...(severalSelectors ? { selector: selectorNameOf(runs[i]!.spec) ?? String(i) } : {}),
      recall: meanDefined(b.recall),
      answer_in_context: meanDefined(b.aic),
      tokens_per_query: meanDefined(b.tokens),
    };
    budgetPoints.push(point);
    if (i === 0) {
      metrics.recall = point.recall;
      metrics.answer_in_context = point.answer_in_context;
    }
  });
  if (input.reader) {
    metrics.em = meanDefined(em);
    metrics.f1 = meanDefined(f1);
  }
  const curve: CurvePoint[] = ks.map((k) => {
    const m = perK.get(k)!;
    return { k, recall: meanDefined(m.recall), all_gold: meanDefined(m.allGold), answer_in_context: meanDefined(m.aic), tokens: meanDefined(m.tokens) };
  });
  const withGold = dataset.questions.filter((q) => (q.gold instanceof Map ? [...q.gold.values()].some((g) => g > 0) : q.gold.size > 0)).length;
  const withAnswers = dataset.questions.filter((q) => q.answers.length > 0).length;
  return {
    task: 'retrieval',
    pipeline: severalSelectors ? { ...built.described, selectors: selectorSpecs.map((s) => selectorNameOf(s)).join(', ') } : built.described,
    n: dataset.questions.length,
    metrics,
    curve,
    ...(budgetPoints.length > 0 ? { budgets: budgetPoints } : {}),
    items,
    notes: [
      'ranked through @sift/pipeline over a temporary on-disk index (the path of sift index + sift query)',
      `${built.chunks} chunks from ${dataset.documents.length} documents; ${withGold} questions with gold passages, ${withAnswers} with extractive answers`,
      'recall/ndcg/mrr are passage-level: a passage ranks where its best chunk ranks',
      `tokens are counted with the evaluation tokenizer; context = ${hasSelector ? `selector ${severalSelectors ? selectorSpecs.map((s) => selectorNameOf(s)).join(', ') : selectorName}` : `top ${k} chunks`}`,
    ],
  };
}
