import type { Document } from '@sift/core';
import type { SkippedItem } from './malformed-items.js';

/** A character span inside one corpus document (UTF-16 offsets into `Document.text`). */
export interface DocSpan {
  docId: string;
  start: number;
  end: number;
}

/** One question of a QA retrieval dataset. */
export interface QaQuestion {
  id: string;
  question: string;
  /** Gold passages: a set (binary) or qrels grades. Empty when the question has none. */
  gold: ReadonlySet<string> | ReadonlyMap<string, number>;
  /** Gold answer strings for answer-in-context and EM/F1. Empty when unanswerable or not extractive. */
  answers: string[];
  /** Evidence spans: HotpotQA supporting sentences, SQuAD answer spans. */
  evidence: DocSpan[];
  /** The documents that, joined in this order, form the question's long document (chunking task). */
  group: string[];
  metadata: Record<string, unknown>;
}

/** A QA dataset: a corpus and its questions. Documents are plain (title + text) so any chunker can run on them. */
export interface QaDataset {
  name: string;
  documents: Document[];
  questions: QaQuestion[];
  /** What `evidence` means, for metric names: supporting sentences or answer spans. */
  evidenceKind: 'support' | 'answer';
  /** Malformed items the loader left out (none in strict mode, which throws instead). */
  skipped?: SkippedItem[];
}
