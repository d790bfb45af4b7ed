import { z } from 'zod';

/** How token states become one vector: mean over real tokens, the first token ([CLS]), or the last real token. */
export const PoolingSchema = z.enum(['mean', 'cls', 'last']);
export type Pooling = z.infer<typeof PoolingSchema>;

/**
 * Pools hidden states [B, L, H] (row-major) under an attention mask [B, L] (1 = real token). Works for either
 * padding side: `cls` takes the first real token, `last` the last real one. A row without real tokens pools to zeros.
 */
export function poolHidden(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  dims: readonly [number, number, number],
  pooling: Pooling,
): Float32Array[] {
  const [B, L, H] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < B; b++) {
    const v = new Float32Array(H);
    const rowBase = b * L;
    if (pooling === 'mean') {
      // Accumulate in float64: long sequences would otherwise lose low bits.
      const acc = new Float64Array(H);
      let n = 0;
      for (let t = 0; t < L; t++) {
        if (Number(mask[rowBase + t]) === 0) continue;
        n++;
        const off = (rowBase + t) * H;
        for (let h = 0; h < H; h++) acc[h] = acc[h]! + hidden[off + h]!;
      }
      if (n > 0) for (let h = 0; h < H; h++) v[h] = acc[h]! / n;
    } else {
      let pick = -1;
      for (let t = 0; t < L; t++) {
        if (Number(mask[rowBase + t]) === 0) continue;
        if (pooling === 'cls') {
          pick = t;
          break;
        }
        pick = t;
      }
      if (pick >= 0) v.set(hidden.subarray((rowBase + pick) * H, (rowBase + pick + 1) * H));
    }
    out.push(v);
  }
  return out;
}
