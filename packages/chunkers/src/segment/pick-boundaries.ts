/**
 * Turns per-gap scores into sentence boundaries. Gaps are visited best first (`order`); a gap is kept when both
 * segments it creates stay at least `minSegment` sentences long given the gaps already kept. Gap g means a new
 * segment starts at sentence g+1. With `count`, stops after that many; returns sorted boundary indices.
 */
export function pickBoundaries(order: readonly number[], n: number, minSegment: number, count = Infinity): number[] {
  const kept: number[] = [];
  for (const g of order) {
    if (kept.length >= count) break;
    const b = g + 1;
    if (b < minSegment || n - b < minSegment) continue;
    if (kept.some((k) => Math.abs(k - b) < minSegment)) continue;
    kept.push(b);
  }
  // Known count but spacing made it impossible: relax the spacing rather than return fewer.
  if (Number.isFinite(count) && kept.length < count) {
    for (const g of order) {
      if (kept.length >= count) break;
      if (!kept.includes(g + 1)) kept.push(g + 1);
    }
  }
  return kept.sort((a, b) => a - b);
}

/** Gap indices sorted by `key`, highest first; ties go to the earlier gap. */
export function orderBy(scores: ArrayLike<number>, key: (g: number) => number = (g) => scores[g]!): number[] {
  return Array.from({ length: scores.length }, (_, g) => g).sort((a, b) => key(b) - key(a) || a - b);
}
