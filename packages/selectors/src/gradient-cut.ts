/** Where SAGE cuts a descending score list, and why. */
export interface GradientCut {
  /** How many to keep. */
  k: number;
  /** The gap s[k-1] - s[k] that triggered the cut (undefined when no gap did and the window was kept whole). */
  drop?: number;
  /** The gap a drop had to exceed: g × the mean gap over the window. */
  threshold: number;
  /** The window considered: min(scores.length, maxK). */
  window: number;
}

export interface GradientCutOptions {
  minK: number;
  maxK: number;
  /** A drop counts as sharp when it exceeds g times the window's mean gap. */
  g: number;
  /** 'first': the first sharp drop at or after minK (the rule in algorithms.md §2); 'sharpest': the largest drop there, if sharp. */
  mode?: 'first' | 'sharpest';
}

/**
 * SAGE's gradient-based cut (arXiv 2503.01713 gives no formula; this is the rule in algorithms.md §2): over the window
 * M = min(N, maxK) of scores sorted descending, the mean gap is (s[0] - s[M-1]) / (M - 1); keep the prefix before the
 * first gap s[i-1] - s[i] (i ≥ minK) larger than g × that mean, else keep all M. Ties are gaps of 0 and never cut;
 * fewer than minK scores keeps them all.
 */
export function gradientCut(scores: readonly number[], o: GradientCutOptions): GradientCut {
  const window = Math.min(scores.length, o.maxK);
  if (window <= o.minK) return { k: window, threshold: Number.NaN, window };
  const threshold = (o.g * (scores[0]! - scores[window - 1]!)) / (window - 1);
  let best: { k: number; drop: number } | undefined;
  for (let i = Math.max(1, o.minK); i < window; i++) {
    const drop = scores[i - 1]! - scores[i]!;
    if (!(drop > threshold)) continue;
    if (o.mode !== 'sharpest') return { k: i, drop, threshold, window };
    if (!best || drop > best.drop) best = { k: i, drop };
  }
  return best ? { k: best.k, drop: best.drop, threshold, window } : { k: window, threshold, window };
}
