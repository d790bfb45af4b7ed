import type { EmbeddedCounts } from '@sift/core';

/** Embedding-cache counts summed over a run, printed once as "sift: embedded M of N texts (K cached)". */
export interface EmbeddedTotals extends EmbeddedCounts {
  calls: number;
}

export function addEmbedded(totals: EmbeddedTotals, c: EmbeddedCounts): void {
  totals.texts += c.texts;
  totals.embedded += c.embedded;
  totals.cached += c.cached;
  totals.calls++;
}

/** The summary line, or '' when nothing went through the cache. */
export function embeddedLine(t: EmbeddedTotals): string {
  return t.calls > 0 ? `sift: embedded ${t.embedded} of ${t.texts} texts (${t.cached} cached)\n` : '';
}
