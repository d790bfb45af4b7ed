/** log Σ exp(row), computed stably (max-shifted, accumulated in float64). */
export function logSumExp(data: ArrayLike<number>, offset: number, length: number): number {
  let max = -Infinity;
  for (let v = 0; v < length; v++) {
    const x = data[offset + v]!;
    if (x > max) max = x;
  }
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let v = 0; v < length; v++) sum += Math.exp(data[offset + v]! - max);
  return max + Math.log(sum);
}

/** Log-softmax of one row of a row-major [rows × vocab] logits array. */
export function logSoftmaxRow(logits: ArrayLike<number>, row: number, vocab: number): Float32Array {
  const off = row * vocab;
  const lse = logSumExp(logits, off, vocab);
  const out = new Float32Array(vocab);
  for (let v = 0; v < vocab; v++) out[v] = logits[off + v]! - lse;
  return out;
}
