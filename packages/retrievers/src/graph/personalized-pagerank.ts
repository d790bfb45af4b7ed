/** A row-stochastic sparse matrix in CSR form: the out-edges of node u are idx[ptr[u] .. ptr[u+1]) with probabilities prob. */
export interface TransitionMatrix {
  nodes: number;
  ptr: Uint32Array;
  idx: Uint32Array;
  prob: Float64Array;
}

export interface PprOptions {
  /** Probability of following an edge; 1 − damping jumps back to the seeds. */
  damping: number;
  maxIterations: number;
  /** Stop once the L1 change between iterations is at most this. */
  tolerance: number;
}

export interface PprResult {
  scores: Float64Array;
  iterations: number;
  /** L1 change of the last iteration. */
  delta: number;
}

/**
 * Personalized PageRank by power iteration: r ← (1 − d)·s + d·(Pᵀr + m·s), where m is the mass on nodes
 * without out-edges (it returns to the seeds, so the scores always sum to 1). `seed` must be non-negative
 * and sum to 1. Work per iteration is the out-degree of the nodes holding mass, so early iterations of a
 * walk from a few seeds touch only their neighbourhood.
 */
export function personalizedPageRank(m: TransitionMatrix, seed: Float64Array, opts: PprOptions): PprResult {
  const { nodes, ptr, idx, prob } = m;
  const d = opts.damping;
  let r = Float64Array.from(seed);
  let next = new Float64Array(nodes);
  let iterations = 0;
  let delta = Infinity;
  while (iterations < opts.maxIterations && delta > opts.tolerance) {
    next.fill(0);
    let dangling = 0;
    for (let u = 0; u < nodes; u++) {
      const ru = r[u]!;
      if (ru === 0) continue;
      const lo = ptr[u]!;
      const hi = ptr[u + 1]!;
      if (lo === hi) {
        dangling += ru;
        continue;
      }
      const push = d * ru;
      for (let k = lo; k < hi; k++) next[idx[k]!]! += push * prob[k]!;
    }
    const back = 1 - d + d * dangling;
    delta = 0;
    for (let u = 0; u < nodes; u++) {
      const v = next[u]! + back * seed[u]!;
      next[u] = v;
      delta += Math.abs(v - r[u]!);
    }
    [r, next] = [next, r];
    iterations++;
  }
  return { scores: r, iterations, delta };
}
