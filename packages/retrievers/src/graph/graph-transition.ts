import type { ResolvedGraphWalkOptions } from './graph-options.js';
import { EDGE_TITLE, ENTITY_TITLE, type PassageGraph } from './passage-graph.js';
import type { TransitionMatrix } from './personalized-pagerank.js';

/** Hubs below this many passages are never pruned, so small corpora keep all their entities. */
export const MIN_HUB_DF = 10;

export interface GraphTransition {
  /** Nodes 0..P-1 are passages, P..P+E-1 entities. */
  matrix: TransitionMatrix;
  passageCount: number;
  /** ln(1 + P / df) per entity: rare entities say more. */
  idf: Float64Array;
  /** 1 for entities the walk may use (not hubs). */
  active: Uint8Array;
}

/**
 * The random walk over a passage graph: a passage moves to its entities and an entity to its passages (and
 * synonyms), in proportion to the entity's idf, times `titleWeight` on the edge between a page and its own
 * title entity and `pageWeight` on a passage's step to an entity that names a page. Entities linked to more
 * than `maxEntityShare` of passages are dropped; an entity only one passage names is never stepped to from a
 * passage (it could only lead back), though a query naming it still reaches its passage.
 */
export function graphTransition(
  g: PassageGraph,
  o: Pick<ResolvedGraphWalkOptions, 'titleWeight' | 'pageWeight' | 'maxEntityShare' | 'synonymWeight'>,
): GraphTransition {
  const p = g.passageCount;
  const e = g.entityCount;
  const maxDf = Math.max(MIN_HUB_DF, o.maxEntityShare * p);
  const idf = new Float64Array(e);
  const active = new Uint8Array(e);
  for (let i = 0; i < e; i++) {
    const df = g.entityDf[i]!;
    idf[i] = Math.log(1 + p / Math.max(1, df));
    active[i] = df > 0 && df <= maxDf ? 1 : 0;
  }
  const nodes = p + e;
  const ptr = new Uint32Array(nodes + 1);
  const edgeW = (kind: number, ent: number): number => idf[ent]! * (kind === EDGE_TITLE ? o.titleWeight : 1);
  const reachable = (ent: number): number => (active[ent] && g.entityDf[ent]! >= 2 ? 1 : 0);
  // Count first so the arrays are allocated once.
  for (let u = 0; u < p; u++) {
    let c = 0;
    for (let k = g.pePtr[u]!; k < g.pePtr[u + 1]!; k++) c += reachable(g.peIdx[k]!);
    ptr[u + 1] = ptr[u]! + c;
  }
  for (let x = 0; x < e; x++) {
    let c = 0;
    if (active[x]) {
      c = g.epPtr[x + 1]! - g.epPtr[x]!;
      if (o.synonymWeight > 0) for (let k = g.eePtr[x]!; k < g.eePtr[x + 1]!; k++) c += active[g.eeIdx[k]!]!;
    }
    ptr[p + x + 1] = ptr[p + x]! + c;
  }
  const idx = new Uint32Array(ptr[nodes]!);
  const prob = new Float64Array(ptr[nodes]!);
  let at = 0;
  const normalise = (from: number): void => {
    let sum = 0;
    for (let k = from; k < at; k++) sum += prob[k]!;
    if (sum > 0) for (let k = from; k < at; k++) prob[k] = prob[k]! / sum;
  };
  for (let u = 0; u < p; u++) {
    const from = at;
    for (let k = g.pePtr[u]!; k < g.pePtr[u + 1]!; k++) {
      const ent = g.peIdx[k]!;
      if (!reachable(ent)) continue;
      idx[at] = p + ent;
      prob[at++] = edgeW(g.peKind[k]!, ent) * (g.entityKinds[ent]! & ENTITY_TITLE ? o.pageWeight : 1);
    }
    normalise(from);
  }
  for (let x = 0; x < e; x++) {
    if (!active[x]) continue;
    const from = at;
    for (let k = g.epPtr[x]!; k < g.epPtr[x + 1]!; k++) {
      idx[at] = g.epIdx[k]!;
      prob[at++] = edgeW(g.epKind[k]!, x);
    }
    if (o.synonymWeight > 0) {
      for (let k = g.eePtr[x]!; k < g.eePtr[x + 1]!; k++) {
        const y = g.eeIdx[k]!;
        if (!active[y]) continue;
        idx[at] = p + y;
        prob[at++] = o.synonymWeight * g.eeSim[k]! * idf[x]!;
      }
    }
    normalise(from);
  }
  return { matrix: { nodes, ptr, idx, prob }, passageCount: p, idf, active };
}
