/** Mean of the defined values; `undefined` values (queries without gold) are left out. NaN if none remain. */
export function meanDefined(values: ReadonlyArray<number | undefined>): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === undefined || Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
}

/**
 * The q-th percentile (0..100) with linear interpolation between closest ranks (numpy's default method),
 * so p50 of [1, 2, 3, 4] is 2.5. NaN for an empty list.
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const pos = (Math.min(100, Math.max(0, q)) / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
