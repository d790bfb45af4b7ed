import type { GraphTransition } from './graph-transition.js';
import type { PassageGraph } from './passage-graph.js';

/** How the walk reached a passage the first stage did not return. */
export interface GraphExplanation {
  via: 'entity' | 'passage';
  /** The entity (normalised name) most of the passage's score came through. */
  entity?: string;
  /** With via 'passage': the chunk id of the passage that fed that entity most. */
  from?: string;
}

function prob(t: GraphTransition, u: number, v: number): number {
  const { ptr, idx, prob: pr } = t.matrix;
  for (let k = ptr[u]!; k < ptr[u + 1]!; k++) if (idx[k] === v) return pr[k]!;
  return 0;
}

/**
 * Traces the strongest last two steps into passage `row`: the entity that sent it the most mass, then whether
 * that entity's own mass came mostly from the query naming it (its seed share) or from a neighbouring passage.
 */
export function explainPassage(g: PassageGraph, t: GraphTransition, scores: Float64Array, seed: Float64Array, row: number, damping: number): GraphExplanation {
  const P = t.passageCount;
  let bestEntity = -1;
  let bestIn = 0;
  for (let k = g.pePtr[row]!; k < g.pePtr[row + 1]!; k++) {
    const e = g.peIdx[k]!;
    if (!t.active[e]) continue;
    const flow = scores[P + e]! * prob(t, P + e, row);
    if (flow > bestIn) {
      bestIn = flow;
      bestEntity = e;
    }
  }
  if (bestEntity < 0) return { via: 'passage' };
  const entity = g.entities[bestEntity]!;
  const fromQuery = (1 - damping) * seed[P + bestEntity]!;
  let bestFrom = -1;
  let bestFlow = 0;
  for (let k = g.epPtr[bestEntity]!; k < g.epPtr[bestEntity + 1]!; k++) {
    const p = g.epIdx[k]!;
    if (p === row) continue;
    const flow = damping * scores[p]! * prob(t, p, P + bestEntity);
    if (flow > bestFlow) {
      bestFlow = flow;
      bestFrom = p;
    }
  }
  if (fromQuery >= bestFlow || bestFrom < 0) return { via: 'entity', entity };
  return { via: 'passage', entity, from: g.passageIds[bestFrom]! };
}
