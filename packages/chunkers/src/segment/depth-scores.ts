/**
 * Depth of each gap in a similarity curve, as NLTK's TextTiling computes it: climb left and right from the gap
 * while scores do not decrease, depth = (left peak − s) + (right peak − s). The first and last
 * `clip = min(max(⌊n/10⌋, 2), 5)` gaps get depth 0 (NLTK's "a section is at least 2–5 pseudo-sentences" rule);
 * pass `clip: 0` to score every gap.
 */
export function depthScores(scores: ArrayLike<number>, clip?: number): Float64Array {
  const n = scores.length;
  const c = clip ?? Math.min(Math.max(Math.floor(n / 10), 2), 5);
  const depth = new Float64Array(n);
  for (let i = c; i < n - c; i++) {
    const s = scores[i]!;
    let lpeak = s;
    for (let j = i; j >= 0; j--) {
      const v = scores[j]!;
      if (v >= lpeak) lpeak = v;
      else break;
    }
    let rpeak = s;
    for (let j = i; j < n; j++) {
      const v = scores[j]!;
      if (v >= rpeak) rpeak = v;
      else break;
    }
    depth[i] = lpeak + rpeak - 2 * s;
  }
  return depth;
}

/** Mean and population standard deviation (numpy.std). */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, std: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (xs[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n) };
}

/**
 * NLTK's boundary pick: visit gaps by depth, highest first (ties: higher index first, as Python's reversed sort),
 * keep those above `cutoff` unless an already kept gap lies closer than `minGap`. Returns kept gap indices, sorted.
 */
export function pickDeepGaps(depth: ArrayLike<number>, cutoff: number, minGap = 4): number[] {
  const order = rankByDepth(depth).filter((g) => depth[g]! > cutoff);
  return suppressNear(order, minGap).sort((a, b) => a - b);
}

/** Gap indices by depth, deepest first; ties go to the higher index (Python `sorted(zip(d, i)).reverse()`). */
export function rankByDepth(depth: ArrayLike<number>): number[] {
  const idx = Array.from({ length: depth.length }, (_, i) => i);
  return idx.sort((a, b) => depth[b]! - depth[a]! || b - a);
}

/** Greedy non-maximum suppression over gaps already in priority order. */
export function suppressNear(order: readonly number[], minGap: number, limit = Infinity): number[] {
  const kept: number[] = [];
  for (const g of order) {
    if (kept.length >= limit) break;
    if (kept.every((k) => Math.abs(k - g) >= minGap)) kept.push(g);
  }
  return kept;
}
