/** Mean of the vectors, scaled back to unit length (the zero vector stays zero). */
export function meanUnit(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let d = 0; d < out.length; d++) out[d]! += v[d]!;
  let norm = 0;
  for (let d = 0; d < out.length; d++) norm += out[d]! ** 2;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < out.length; d++) out[d]! /= norm;
  return out;
}
