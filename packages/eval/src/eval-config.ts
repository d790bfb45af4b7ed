import { z } from 'zod';
import { NiahOptionsSchema } from './datasets/niah.js';

export const EVAL_TASKS = ['retrieval', 'chunking', 'segmentation', 'niah'] as const;
export type EvalTask = (typeof EVAL_TASKS)[number];

/** A component given by name ("bm25") or as a spec object; the owning package validates the details. */
const ComponentSpec = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const PipelineSchema = z
  .object({
    chunker: ComponentSpec.optional().describe('Chunker config for createChunker, or "none" for one chunk per document'),
    retriever: ComponentSpec.default('bm25').describe('Retriever spec for createRetriever'),
    selector: ComponentSpec.optional().describe('Selector spec for createSelector; without one the top k chunks are the context'),
    embedder: z.string().min(1).optional().describe('Embedder for dense retrievers and embedding segmenters ("use-lite" or a model folder)'),
    segmenter: ComponentSpec.optional().describe('Segmenter for the segmentation task'),
    knownK: z.boolean().default(false).describe('Segmentation: give the segmenter the reference number of segments'),
    k: z.number().int().positive().default(5).describe('Chunks in the context when no selector is set (and NIAH top-k)'),
    budgets: z.array(z.number().int().positive()).optional().describe('Token budgets for selectors and the chunking task'),
  })
  .strict();
export type PipelineConfig = z.input<typeof PipelineSchema>;
export type ResolvedPipeline = z.output<typeof PipelineSchema>;

export const EvalConfigSchema = z
  .object({
    dataset: z
      .string()
      .min(1)
      .describe('hotpotqa-100 | squad2 | choi:<set/range> | niah | beir:<dir>'),
    task: z.enum(EVAL_TASKS).optional().describe('Default: segmentation for choi, niah for niah, else retrieval'),
    pipeline: PipelineSchema.default({ retriever: 'bm25', knownK: false, k: 5 }),
    limit: z.number().int().positive().optional().describe('Evaluate only the first N questions/documents'),
    datasetsDir: z.string().min(1).optional().describe('Default: $SIFT_DATASETS, else ../shared/datasets beside the workspace'),
    distractors: z.string().min(1).optional().describe('HotpotQA: "2wiki" or a 2Wiki corpus JSON file to add as distractors'),
    split: z.string().min(1).optional().describe('BEIR qrels split (default test)'),
    ks: z.array(z.number().int().positive()).default([1, 2, 3, 5, 10, 20]).describe('Cut-offs for the recall curve'),
    niah: NiahOptionsSchema.partial({ lengths: true, depths: true })
      .extend({ haystack: z.string().min(1).default('paul-graham') })
      .optional(),
  })
  .strict();
export type EvalConfig = z.input<typeof EvalConfigSchema>;
export type ResolvedEvalConfig = z.output<typeof EvalConfigSchema>;

/** The task a dataset implies when none is given. */
export function defaultTask(dataset: string): EvalTask {
  if (dataset.startsWith('choi')) return 'segmentation';
  if (dataset === 'niah') return 'niah';
  return 'retrieval';
}
