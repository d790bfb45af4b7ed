import { ChunkerConfigSchema } from '@sift/chunkers';
import { SiftError, TokenizerNameSchema } from '@sift/core';
import { RemoteIndexSettingsSchema, RETRIEVER_NAMES, RetrieverSpecSchema } from '@sift/retrievers';
import { ALL_SELECTOR_NAMES, AnySelectorSpecSchema, RerankerSpecSchema } from '@sift/selectors';
import { z } from 'zod';
import { didYouMean } from './_did-you-mean.js';

/** "none": one chunk per document (passage-level retrieval, as HotpotQA baselines report it). */
export const WHOLE_DOCUMENTS = 'none';

/**
 * Names `ChunkerConfigSchema` accepts under `chunker`, read from the schema itself so that a chunker added there
 * (perplexity, margin…) is known here without a change.
 */
export function chunkerNames(): string[] {
  const names: string[] = [];
  for (const option of ChunkerConfigSchema.options) {
    const field = (option as unknown as { shape: { chunker: { options?: readonly string[]; value?: string } } }).shape.chunker;
    if (field.options) names.push(...field.options);
    else if (typeof field.value === 'string') names.push(field.value);
  }
  return names;
}

/** A component named ("bm25") or given in full as its package's spec object. */
const named = z.string().min(1);

/**
 * THE pipeline configuration: `sift.config.json`, `sift eval --pipeline FILE` and `createPipeline` read these keys,
 * and `resolvePipelineConfig` fills the same defaults for all three. Component specs are checked by the schemas of
 * the packages that own them (`ChunkerConfigSchema`, `RetrieverSpecSchema`, `SelectorSpecSchema`), so a chunker,
 * retriever or selector registered there is accepted here unchanged. Unknown keys are errors (a typo never falls
 * back to a default silently).
 */
export const PipelineConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** Index folder (default `.sift`); `":memory:"` keeps the chunks in memory (nothing written); `s3://bucket/path` (or gs://, az://) keeps it in object storage. */
    index: z.string().min(1).optional(),
    /** Chunker name (`recursive`, `sentence`, …, or `none`) or a full `ChunkerConfigSchema` object. */
    chunker: z.union([named, ChunkerConfigSchema]).optional(),
    /** Shorthands merged into the chunker config: largest chunk, overlap (tokens) and the tokenizer counting them. */
    size: z.number().int().positive().optional(),
    overlap: z.number().int().nonnegative().optional(),
    tokenizer: TokenizerNameSchema.optional(),
    /** `use-lite` or a local Hugging Face ONNX encoder folder. dense, hybrid and graph:dense|hybrid default to use-lite. */
    embedder: named.optional(),
    /** Late chunking: embed each document whole and pool each chunk's token states (needs sift-m2-mini or an M2 folder). */
    lateChunking: z.boolean().optional(),
    /** `bm25`, `dense`, `hybrid`, `graph:bm25`, … or a full `RetrieverSpecSchema` object. */
    retriever: z.union([named, RetrieverSpecSchema]).optional(),
    /** `topk`, `threshold`, `budget`, `sage`, `corag`, … or a full selector spec object; default: the top k chunks. */
    selector: z.union([named, AnySelectorSpecSchema]).optional(),
    /** Re-scores the retrieved candidates before selection: `bm25`, `embedding`, `cross-encoder:<folder>`, … or a spec. */
    reranker: z.union([named, RerankerSpecSchema]).optional(),
    /** Token budget passed to the selector. */
    budget: z.number().int().positive().optional(),
    /** Several selectors (evaluation: one recall-vs-tokens curve per selector, each at every budget). */
    selectors: z.array(z.union([named, AnySelectorSpecSchema])).min(1).optional(),
    /** Several budgets (evaluation: one selection per budget). */
    budgets: z.array(z.number().int().positive()).min(1).optional(),
    /** Chunks retrieved per query (the selector chooses among them). */
    k: z.number().int().positive().optional(),
    /** Extensions read inside folders: `["txt", "md"]` or `"txt,md"`. */
    ext: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** `sift index`: exit 1 when an input file was skipped. */
    strict: z.boolean().optional(),
    /** Build the passage–entity graph even when the retriever is not graph:*. */
    graph: z.boolean().optional(),
    /** Object-store settings of an `s3://…` index for LanceDB (`aws_endpoint`, `aws_region`, `allow_http`, …); the AWS_* environment variables apply too. */
    storageOptions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** An `s3://…` index: which LanceDB indexes finalize builds, and how they are queried (RemoteIndexSettingsSchema). */
    remoteIndex: RemoteIndexSettingsSchema.optional(),
    /** Segmentation evaluation: segmenter name or `{ name, …options }`, and whether it is given the true segment count. */
    segmenter: z.union([named, z.record(z.string(), z.unknown())]).optional(),
    knownK: z.boolean().optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    // Names are checked here too, so that a typo in a config file is reported with its key before any work starts.
    if (typeof cfg.chunker === 'string' && cfg.chunker !== WHOLE_DOCUMENTS && !chunkerNames().includes(cfg.chunker)) {
      ctx.addIssue({ code: 'custom', path: ['chunker'], message: `unknown chunker "${cfg.chunker}"; expected one of ${[...chunkerNames(), WHOLE_DOCUMENTS].map((n) => `"${n}"`).join(', ')}` });
    }
    if (typeof cfg.retriever === 'string') {
      // Two-stage shorthands: graph:<first> and infiniretri:<first> (the first stage is neither of them).
      const stage = /^(graph|infiniretri):/.exec(cfg.retriever)?.[1];
      const name = stage ? cfg.retriever.slice(stage.length + 1) : cfg.retriever;
      const known = RETRIEVER_NAMES as readonly string[];
      const firsts = known.filter((n) => n !== 'graph' && n !== 'infiniretri');
      if (!known.includes(name) || (stage !== undefined && !firsts.includes(name))) {
        ctx.addIssue({ code: 'custom', path: ['retriever'], message: `unknown retriever "${cfg.retriever}"; expected one of ${[...known.filter((n) => n !== 'graph'), ...firsts.map((n) => `graph:${n}`), ...firsts.map((n) => `infiniretri:${n}`)].map((n) => `"${n}"`).join(', ')}` });
      }
    }
    if (typeof cfg.selector === 'string' && !(ALL_SELECTOR_NAMES as readonly string[]).includes(cfg.selector)) {
      ctx.addIssue({ code: 'custom', path: ['selector'], message: `unknown selector "${cfg.selector}"; expected one of ${ALL_SELECTOR_NAMES.map((n) => `"${n}"`).join(', ')}` });
    }
  });

export type PipelineConfig = z.input<typeof PipelineConfigSchema>;
export type ParsedPipelineConfig = z.output<typeof PipelineConfigSchema>;

/** Built-in defaults, the same in the library, `sift index|query` and `sift eval`. */
export const PIPELINE_DEFAULTS = {
  index: '.sift',
  chunker: 'recursive',
  retriever: 'bm25',
  k: 10,
  embedder: 'use-lite',
} as const;

/** Index folder value that keeps everything in memory. */
export const MEMORY_INDEX = ':memory:';

/**
 * Validates a pipeline config. Every problem is one E_BAD_CONFIG line starting with `source` (a file name, or
 * "pipeline config") and naming the key, with a did-you-mean for an unknown key.
 */
export function parsePipelineConfig(value: unknown, source = 'pipeline config'): ParsedPipelineConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SiftError('E_BAD_CONFIG', `${source}: expected a JSON object of pipeline keys and values`, { details: { file: source } });
  }
  const parsed = PipelineConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SiftError('E_BAD_CONFIG', `${source}: ${describeIssue(issue, value as Record<string, unknown>)}`, {
    cause: parsed.error,
    details: { file: source, issues: parsed.error.issues, ...(issue?.path[0] !== undefined ? { key: String(issue.path[0]) } : {}) },
  });
}

function describeIssue(issue: z.core.$ZodIssue | undefined, value: Record<string, unknown>): string {
  if (!issue) return 'invalid';
  if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
    const key = issue.keys[0] ?? '?';
    const hint = didYouMean(key, Object.keys(PipelineConfigSchema.shape));
    return `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  }
  const key = issue.path.map(String).join('.');
  // A union reports "Invalid input"; say what the component accepts instead.
  if (issue.code === 'invalid_union' && typeof issue.path[0] === 'string') {
    const top = issue.path[0];
    const given = JSON.stringify(value[top]);
    return `key "${key}": ${given} is not a valid ${top} (a name or a ${top} spec object)${unionDetail(issue)}`;
  }
  return `key "${key}": ${issue.message}`;
}

/** The deepest message of a union's object branch (e.g. `size: Too small`), when there is one. */
function unionDetail(issue: z.core.$ZodIssueInvalidUnion): string {
  for (const branch of issue.errors) {
    const inner = branch[0];
    if (inner && inner.code !== 'invalid_type') return `: ${inner.path.map(String).join('.') || '(value)'}: ${inner.message}`;
  }
  return '';
}
