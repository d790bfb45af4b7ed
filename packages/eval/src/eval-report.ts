import type { SkippedItem } from './datasets/malformed-items.js';
/** One point of the recall@k curve: quality and context size at cut-off k. */
export interface CurvePoint {
  k: number;
  recall: number;
  all_gold: number;
  answer_in_context: number;
  tokens: number;
}

/** Quality and size of the selected context at one token budget. */
export interface BudgetPoint {
  budget: number;
  /** Retrieval with several selectors: the selector this point belongs to. */
  selector?: string;
  recall: number;
  answer_in_context: number;
  tokens_per_query: number;
  /** Chunking task: the headline figure (support_recall or answer_recall). */
  evidence_recall?: number;
}

export interface GridCell {
  length: number;
  depth: number;
  accuracy: number;
  n: number;
  tokens: number;
  /** NIAH: tokens of the retrieved chunks that reached the context (mean per cell). */
  context_tokens?: number;
  /** NIAH: seconds per context (chunking + ranking, mean per cell). */
  seconds?: number;
}

export interface SegmentationDocument {
  id: string;
  subset: string;
  sentences: number;
  segments: number;
  predicted_segments: number;
  window: number;
  pk: number;
  windowdiff: number;
}

export interface SubsetSummary {
  subset: string;
  n: number;
  pk: number;
  windowdiff: number;
  pk_no_boundaries: number;
  pk_all_boundaries: number;
  /** Pk published for this range in Choi's Table.txt (see CHOI_PUBLISHED_PK), when known. */
  published?: Readonly<Record<string, number>>;
}

/** One question of the chunking task (`EvalReport.chunking_items`). */
export interface ChunkingItem {
  id: string;
  /** Evidence recall at each budget (null: no evidence span could be located in the document). */
  recall: Record<string, number | null>;
  tokens: Record<string, number>;
}

/**
 * What `sift eval` writes to report.json. `dataset`, `pipeline`, `n` and `metrics` are the contract
 * (metric keys as the issues name them); the other fields feed the plots.
 */
export interface EvalReport {
  dataset: string;
  task: string;
  pipeline: Record<string, unknown>;
  n: number;
  metrics: Record<string, number | null>;
  curve?: CurvePoint[];
  budgets?: BudgetPoint[];
  grid?: GridCell[];
  subsets?: SubsetSummary[];
  documents?: SegmentationDocument[];
  baselines?: Record<string, { pk: number; windowdiff: number }>;
  /** Retrieval: one entry per question (gold passages, the top 10 retrieved, the gold ones among them). */
  items?: Array<{ id: string; gold: string[]; retrieved: string[]; hits: string[] }>;
  /**
   * Chunking: one entry per question with evidence, in dataset order: its recall and the tokens selected at each
   * budget (keyed by the budget), so that two chunkers can be compared question by question (paired), or on halves.
   */
  chunking_items?: ChunkingItem[];
  notes?: string[];
  /** Malformed dataset items left out (question, corpus record, qrels line, Choi document); 0 when none. */
  skipped?: number;
  /** The first of them (at most 100), each naming its file, place and problem. */
  skipped_items?: SkippedItem[];
  /** `sift_version` and `git_commit` (null outside a checkout) say which Sift made the report. */
  meta: { created: string; elapsed_ms: number; datasets_dir?: string; sift_version?: string; git_commit?: string | null };
}
