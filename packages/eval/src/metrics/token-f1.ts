import { answerTokens } from './squad-normalize.js';

function f1One(pred: string[], gold: string[]): number {
  // SQuAD 2.0: if either side is empty, F1 is 1 only when both are.
  if (pred.length === 0 || gold.length === 0) return pred.length === gold.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / pred.length;
  const recall = common / gold.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD 2.0 token F1: the best bag-of-tokens F1 against any gold answer (no gold: unanswerable). */
export function tokenF1(prediction: string, golds: readonly string[]): number {
  const p = answerTokens(prediction);
  const g = golds.length === 0 ? [''] : golds;
  let best = 0;
  for (const a of g) best = Math.max(best, f1One(p, answerTokens(a)));
  return best;
}
