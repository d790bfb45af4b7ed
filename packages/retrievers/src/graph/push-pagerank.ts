import type { TransitionMatrix } from './personalized-pagerank.js';

export interface PushOptions {
  /** Probability of following an edge; 1 − damping jumps back to the seeds. */
  damping: number;
  /** A node is pushed while its residual exceeds epsilon × its out-degree (at least 1). */
  epsilon: number;
}

export interface PushResult {
  scores: Float64Array;
  /** Nodes pushed (the work done, in units of one node's out-edges). */
  pushes: number;
  /** Residual mass left unpushed: the L1 distance to the exact scores is at most this. */
  residual: number;
}

/**
 * Personalized PageRank by forward push (Andersen, Chung & Lang 2006): each node holds a residual that it
 * settles — 1 − damping of it kept as score, the rest passed to its out-neighbours (a node without out-edges
 * passes it back to the seeds) — until every residual is below epsilon × out-degree. Same fixed point as power
 * iteration; the work follows the mass, so a walk from a few seeds stays near them instead of sweeping the graph.
 * Scores are a lower bound, within `residual` (L1) of the exact ones.
 */
export function pushPersonalizedPageRank(m: TransitionMatrix, seed: Float64Array, opts: PushOptions): PushResult {
  const { nodes, ptr, idx, prob } = m;
  const d = opts.damping;
  const eps = opts.epsilon;
  const p = new Float64Array(nodes);
  const res = new Float64Array(nodes);
  const queued = new Uint8Array(nodes);
  // Ring buffer: a node is queued at most once at a time, so `nodes` slots suffice.
  const queue = new Int32Array(Math.max(1, nodes));
  let head = 0;
  let size = 0;
  const threshold = (u: number): number => eps * Math.max(1, ptr[u + 1]! - ptr[u]!);
  const enqueue = (v: number): void => {
    queued[v] = 1;
    queue[(head + size) % nodes] = v;
    size++;
  };
  const seeds: number[] = [];
  for (let u = 0; u < nodes; u++) {
    if (seed[u]! === 0) continue;
    seeds.push(u);
    res[u] = seed[u]!;
    if (res[u]! > threshold(u)) enqueue(u);
  }
  let pushes = 0;
  while (size > 0) {
    const u = queue[head]!;
    head = head + 1 === nodes ? 0 : head + 1;
    size--;
    queued[u] = 0;
    const ru = res[u]!;
    res[u] = 0;
    p[u]! += (1 - d) * ru;
    pushes++;
    const push = d * ru;
    const lo = ptr[u]!;
    const hi = ptr[u + 1]!;
    if (lo === hi) {
      for (const s of seeds) {
        res[s]! += push * seed[s]!;
        if (!queued[s] && res[s]! > threshold(s)) enqueue(s);
      }
      continue;
    }
    for (let k = lo; k < hi; k++) {
      const v = idx[k]!;
      const rv = res[v]! + push * prob[k]!;
      res[v] = rv;
      // Inlined threshold and enqueue: this is the hot loop.
      if (queued[v] === 0 && rv > eps * Math.max(1, ptr[v + 1]! - ptr[v]!)) {
        queued[v] = 1;
        let at = head + size;
        if (at >= nodes) at -= nodes;
        queue[at] = v;
        size++;
      }
    }
  }
  let residual = 0;
  for (let u = 0; u < nodes; u++) residual += res[u]!;
  return { scores: p, pushes, residual };
}
