import { EMBEDDING_SEGMENTERS } from '@sift/chunkers';
import { DEFAULT_EMBEDDER, notifyProgress, throwIfAborted, type Chunker, type Embedder, type RunOptions } from '@sift/core';
import { chunkerSpecOf } from '@sift/pipeline';
import { budgetSelector } from '@sift/selectors';
import type { QaDataset } from '../datasets/qa-dataset.js';
import type { TokenCounter } from '../datasets/niah.js';
import type { EvalComponents } from '../eval-components.js';
import type { ResolvedPipeline } from '../eval-config.js';
import type { BudgetPoint, ChunkingItem, EvalReport } from '../eval-report.js';
import { meanDefined, percentile } from '../metrics/summary.js';
import { chunkCorpus, WHOLE_DOCUMENTS } from './chunk-corpus.js';
import { buildLongDocuments } from './long-documents.js';
import { SpanCoverage } from './span-coverage.js';

export const DEFAULT_CHUNKING_BUDGETS = [128, 256, 512, 1024];

export interface ChunkingTaskInput {
  dataset: QaDataset;
  pipeline: ResolvedPipeline;
  components: EvalComponents;
  counter: TokenCounter;
  embedder?: Embedder;
}

/**
 * Chunking quality at a fixed context budget: per question, chunk its long document with the chunker under test,
 * rank those chunks with the (fixed) retriever, fill each budget B greedily in rank order (tokens counted by the
 * evaluation tokenizer), and score the fraction of evidence spans wholly inside the selected text:
 * `support_recall@B` (HotpotQA supporting sentences) or `answer_recall@B` (SQuAD: any gold answer span).
 */
export async function runChunkingTask(input: ChunkingTaskInput, opts: RunOptions = {}): Promise<Omit<EvalReport, 'meta' | 'dataset' | 'pipeline'>> {
  const { pipeline, components } = input;
  // Passage-level by default (one chunk per passage, as the HotpotQA/BEIR baselines report); size etc. merge into the chunker.
  const chunkerSpec = chunkerSpecOf(pipeline) ?? WHOLE_DOCUMENTS;
  // An embedding chunker (semantic, …) gets the run's embedder, else the default one, opened here and closed at the end.
  const chunkerName = chunkerSpec === WHOLE_DOCUMENTS ? undefined : (chunkerSpec as { chunker?: unknown }).chunker;
  const ownEmbedder =
    typeof chunkerName === 'string' && EMBEDDING_SEGMENTERS.has(chunkerName) && !input.embedder
      ? await components.createEmbedder(pipeline.embedder ?? DEFAULT_EMBEDDER)
      : undefined;
  try {
    const embedder = input.embedder ?? ownEmbedder;
    const chunker = chunkerSpec === WHOLE_DOCUMENTS ? WHOLE_DOCUMENTS : await components.createChunker(chunkerSpec, embedder ? { embedder } : {});
    return await chunkAndScore(input, chunker, opts);
  } finally {
    await ownEmbedder?.close?.();
  }
}

async function chunkAndScore(input: ChunkingTaskInput, chunker: Chunker | typeof WHOLE_DOCUMENTS, opts: RunOptions): Promise<Omit<EvalReport, 'meta' | 'dataset' | 'pipeline'>> {
  const { dataset, pipeline, components, counter } = input;
  const budgets = pipeline.budgets?.length ? pipeline.budgets : DEFAULT_CHUNKING_BUDGETS;
  const longDocs = buildLongDocuments(dataset);
  const nQuestions = longDocs.reduce((s, d) => s + d.questions.filter((q) => q.evidence.length > 0).length, 0);
  const name = dataset.evidenceKind === 'support' ? 'support_recall' : 'answer_recall';

  // Greedy fill in rank order, skipping chunks that no longer fit.
  const fill = budgetSelector();
  const perBudget = budgets.map(() => ({ recall: [] as Array<number | undefined>, tokens: [] as number[] }));
  let chunkingMs = 0;
  let nChunks = 0;
  const chunkTokens: number[] = [];
  const items: ChunkingItem[] = [];
  let done = 0;
  for (const long of longDocs) {
    throwIfAborted(opts.signal);
    const asked = long.questions.filter((q) => q.evidence.length > 0);
    if (asked.length === 0) continue;
    const { chunks, chunkingMs: ms } = await chunkCorpus([long.document], chunker, counter, opts.signal ? { signal: opts.signal } : {});
    chunkingMs += ms;
    nChunks += chunks.length;
    for (const c of chunks) chunkTokens.push(c.tokenCount);
    const retriever = await components.createRetriever(pipeline.retriever, chunks, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(input.embedder ? { embedder: input.embedder } : {}),
    });
    for (const { question, evidence } of asked) {
      const ranked = await retriever.retrieve(question.question, chunks.length, opts);
      const item: ChunkingItem = { id: question.id, recall: {}, tokens: {} };
      items.push(item);
      for (let i = 0; i < budgets.length; i++) {
        const selection = await fill.select(question.question, ranked, { budget: budgets[i]! });
        const frac = new SpanCoverage(selection.chunks).fractionCovered(evidence);
        // SQuAD: several annotations of one answer; any one inside counts.
        const recall = dataset.evidenceKind === 'answer' ? (frac === undefined ? undefined : frac > 0 ? 1 : 0) : frac;
        perBudget[i]!.recall.push(recall);
        perBudget[i]!.tokens.push(selection.tokens);
        item.recall[budgets[i]!] = recall ?? null;
        item.tokens[budgets[i]!] = selection.tokens;
      }
      done++;
      notifyProgress(opts.onProgress, { status: 'progress', done, total: nQuestions, unit: 'questions' });
    }
  }

  const metrics: Record<string, number> = {};
  const points: BudgetPoint[] = [];
  budgets.forEach((b, i) => {
    const r = meanDefined(perBudget[i]!.recall);
    metrics[`${name}@${b}`] = r;
    points.push({ budget: b, recall: r, evidence_recall: r, answer_in_context: Number.NaN, tokens_per_query: meanDefined(perBudget[i]!.tokens) });
  });
  metrics.chunking_ms = chunkingMs;
  metrics.chunks = nChunks;
  metrics.chunk_tokens_mean = meanDefined(chunkTokens);
  metrics.chunk_tokens_p95 = percentile(chunkTokens, 95);
  return {
    task: 'chunking',
    n: nQuestions,
    metrics,
    budgets: points,
    chunking_items: items,
    notes: [
      `${longDocs.length} long documents; ${nQuestions} questions with evidence; ${name} = fraction of evidence spans wholly inside the selected chunks`,
      'budgets are filled greedily in retriever rank order; tokens counted with the evaluation tokenizer',
    ],
  };
}
