/**
 * Meta-Chunking's perplexity boundary rule (IAAR-Shanghai/Meta-Chunking, `find_minima` / `find_minima_dynamic`),
 * fed one sentence value at a time so that long documents can stream. Values are per-sentence mean token NLLs.
 *
 * Sentence i (1 ≤ i ≤ n−2) is a boundary, closing its chunk, when
 *   v[i] < v[i−1] and v[i] < v[i+1] and (v[i−1] − v[i] ≥ thr or v[i+1] − v[i] ≥ thr), or
 *   v[i] < v[i−1] and v[i] = v[i+1] and v[i−1] − v[i] ≥ thr            (flat right side).
 * With the dynamic threshold, every accepted minimum records min(left drop, right drop) (the left drop in the flat
 * case); once 100 or more are recorded, thr becomes the smallest recorded drop. The record lives in a
 * `PplThresholdState`, which the chunker keeps across documents as the reference does. NaN values (a sentence with
 * no scored token) are never minima and never make a neighbour one, since every comparison with NaN is false.
 */

/** Threshold carried across documents (the reference's `threshold` and `threshold_zlist`). */
export interface PplThresholdState {
  threshold: number;
  /** Drops recorded for accepted minima (only grown when the threshold is dynamic). */
  drops: number[];
  /** Smallest of `drops`, kept so an update is O(1). */
  minDrop: number;
}

/** Recorded minima needed before the dynamic threshold replaces the configured one. */
export const DYNAMIC_THRESHOLD_AFTER = 100;

export function newThresholdState(threshold: number): PplThresholdState {
  return { threshold, drops: [], minDrop: Number.POSITIVE_INFINITY };
}

/** Incremental minima finder over one document. */
export class PplMinimaFinder {
  readonly #state: PplThresholdState;
  readonly #dynamic: boolean;
  #a = Number.NaN; // v[i-1]
  #b = Number.NaN; // v[i]
  #n = 0;

  constructor(state: PplThresholdState, dynamic: boolean) {
    this.#state = state;
    this.#dynamic = dynamic;
  }

  /** Adds v[n]; returns true when v[n−1] is a boundary (decidable only now that its right neighbour is known). */
  push(v: number): boolean {
    const i = this.#n++;
    const prev = this.#a;
    const cur = this.#b;
    this.#a = cur;
    this.#b = v;
    if (i < 2) return false;
    const s = this.#state;
    const left = prev - cur;
    const right = v - cur;
    let hit = false;
    if (cur < prev && cur < v) {
      if (left >= s.threshold || right >= s.threshold) {
        hit = true;
        if (this.#dynamic) this.#record(Math.min(left, right));
      }
    } else if (cur < prev && cur === v) {
      if (left >= s.threshold) {
        hit = true;
        if (this.#dynamic) this.#record(left);
      }
    }
    if (this.#dynamic && s.drops.length >= DYNAMIC_THRESHOLD_AFTER) s.threshold = s.minDrop;
    return hit;
  }

  #record(drop: number): void {
    this.#state.drops.push(drop);
    if (drop < this.#state.minDrop) this.#state.minDrop = drop;
  }
}

/** Indices of the boundary sentences of one document (each closes its chunk). Updates `state` when dynamic. */
export function pplMinima(values: ArrayLike<number>, state: PplThresholdState, dynamic = false): number[] {
  const finder = new PplMinimaFinder(state, dynamic);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (finder.push(values[i]!)) out.push(i - 1);
  return out;
}
