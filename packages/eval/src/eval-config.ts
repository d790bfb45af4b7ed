import { z } from 'zod';
import { PipelineConfigSchema, type ParsedPipelineConfig } from '@sift/pipeline';
import { NiahOptionsSchema } from './datasets/niah.js';

export const EVAL_TASKS = ['retrieval', 'chunking', 'segmentation', 'niah'] as const;
export type EvalTask = (typeof EVAL_TASKS)[number];

/**
 * The pipeline under test: `@sift/pipeline`'s config, the same keys and defaults as `sift.config.json` and
 * `createPipeline` (dense, hybrid and graph:dense|hybrid imply the use-lite embedder; k defaults to 10).
 */
export const PipelineSchema = PipelineConfigSchema;
export type PipelineConfig = z.input<typeof PipelineSchema>;
export type ResolvedPipeline = ParsedPipelineConfig;

export const EvalConfigSchema = z
  .object({
    dataset: z
      .string()
      .min(1)
      .describe('hotpotqa-100 | squad2 | choi:<set/range> | niah | beir:<dir>'),
    task: z.enum(EVAL_TASKS).optional().describe('Default: segmentation for choi, niah for niah, else retrieval'),
    pipeline: PipelineSchema.default({}),
    limit: z.number().int().positive().optional().describe('Evaluate only the first N questions/documents'),
    datasetsDir: z.string().min(1).optional().describe('Default: $SIFT_DATASETS, else ../shared/datasets beside the workspace'),
    distractors: z.string().min(1).optional().describe('HotpotQA: "2wiki" or a 2Wiki corpus JSON file to add as distractors'),
    split: z.string().min(1).optional().describe('BEIR qrels split (default test)'),
    strict: z.boolean().default(false).describe('Abort on a malformed dataset item instead of skipping it with a warning'),
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
