import { normalizeAnswer } from './squad-normalize.js';

/**
 * SQuAD 2.0 exact match: 1 if the normalized prediction equals any normalized gold answer.
 * No gold answers means the question is unanswerable; then only an empty prediction scores 1.
 */
export function exactMatch(prediction: string, golds: readonly string[]): number {
  const p = normalizeAnswer(prediction);
  const g = golds.length === 0 ? [''] : golds;
  return g.some((a) => normalizeAnswer(a) === p) ? 1 : 0;
}
