import { seededRandom } from '../random.js';

export { seededRandom };

/** Next token from one logits row: argmax when temperature ≤ 0, else a draw from softmax(logits / temperature). */
export function sampleToken(logits: ArrayLike<number>, row: number, vocab: number, temperature: number, rand: () => number): number {
  const off = row * vocab;
  let best = 0;
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) {
    const x = logits[off + v]!;
    if (x > max) {
      max = x;
      best = v;
    }
  }
  if (!(temperature > 0)) return best;
  const p = new Float64Array(vocab);
  let sum = 0;
  for (let v = 0; v < vocab; v++) {
    p[v] = Math.exp((logits[off + v]! - max) / temperature);
    sum += p[v]!;
  }
  let r = rand() * sum;
  for (let v = 0; v < vocab; v++) {
    r -= p[v]!;
    if (r <= 0) return v;
  }
  return best;
}
