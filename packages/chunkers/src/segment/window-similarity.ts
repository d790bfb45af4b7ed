/**
 * For each gap g (between sentence g and g+1): cosine of the mean embedding of the `window` sentences before the gap
 * and the mean of the `window` sentences after it (windows shrink at the document edges).
 */
export function windowSimilarity(vectors: readonly Float32Array[], window: number): Float64Array {
  const n = vectors.length;
  const gaps = Math.max(n - 1, 0);
  const out = new Float64Array(gaps);
  if (gaps === 0) return out;
  const dim = vectors[0]!.length;
  // Prefix sums make each window mean O(dim).
  const prefix = new Float64Array((n + 1) * dim);
  for (let i = 0; i < n; i++) {
    const v = vectors[i]!;
    for (let d = 0; d < dim; d++) prefix[(i + 1) * dim + d] = prefix[i * dim + d]! + v[d]!;
  }
  for (let g = 0; g < gaps; g++) {
    const l0 = Math.max(0, g - window + 1);
    const r1 = Math.min(n, g + 1 + window);
    let dot = 0;
    let nl = 0;
    let nr = 0;
    for (let d = 0; d < dim; d++) {
      const l = prefix[(g + 1) * dim + d]! - prefix[l0 * dim + d]!;
      const r = prefix[r1 * dim + d]! - prefix[(g + 1) * dim + d]!;
      dot += l * r;
      nl += l * l;
      nr += r * r;
    }
    out[g] = nl > 0 && nr > 0 ? dot / Math.sqrt(nl * nr) : 0;
  }
  return out;
}
