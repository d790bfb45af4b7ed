import type { SiftError } from '@sift/core';

/** One dataset item left out because it is malformed: the file, where in it, and why (the E_DATASET_MALFORMED line). */
export interface SkippedItem {
  file: string;
  where: string;
  message: string;
}

/**
 * What a loader does with a malformed item (a question, corpus record, qrels line or Choi document): by default it
 * skips the item and tells `onSkip`; with `strict` it throws the E_DATASET_MALFORMED error, as loaders used to.
 * Problems with a whole file (missing, not JSON, not the expected shape) always throw.
 */
export interface MalformedItemOptions {
  strict?: boolean;
  onSkip?: (item: SkippedItem) => void;
}

/** Throw `err` in strict mode, else record it as a skipped item. */
export function skipOrThrow(opts: MalformedItemOptions, err: SiftError, skipped?: SkippedItem[]): void {
  if (opts.strict) throw err;
  const item: SkippedItem = { file: String(err.details.file ?? ''), where: String(err.details.where ?? ''), message: err.message };
  skipped?.push(item);
  opts.onSkip?.(item);
}
