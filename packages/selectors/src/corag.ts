import { z } from 'zod';
import { SiftError, seededRandom, throwIfAborted, type Reranker, type RunOptions, type ScoredChunk, type Selection, type Selector } from '@sift/core';
import { rerankerUtility, type CombinationUtility } from './combination-utility.js';
import { parseSpec } from './parse-spec.js';

export const CoragOptionsShape = {
  budget: z.number().int().positive().optional().describe('Token budget B; the budget passed to select() overrides it'),
  C: z.number().min(0).default(2.4).describe('UCB exploration constant'),
  lambda: z.number().min(0).default(0.1).describe('Cost penalty λ in UCB: − λ·cost/B'),
  iterations: z.number().int().min(1).max(200).default(10).describe('MCTS iterations (each expands one node)'),
  poolSize: z.number().int().min(1).max(50).default(20).describe('Candidates N the search draws from (first-stage top N)'),
  maxDepth: z.number().int().min(1).max(50).optional().describe('Most chunks in a combination (default: no limit but the budget)'),
  seed: z.number().int().default(0).describe('Breaks UCB ties; same seed, same selection'),
};
export const CoragOptionsSchema = z.object(CoragOptionsShape).strict();
export type CoragOptions = z.input<typeof CoragOptionsSchema>;

export interface CoragDeps {
  /** Scores a combination as (query, concatenated texts); used unless `utility` is given. */
  reranker?: Reranker;
  /** A custom reward for combinations. */
  utility?: CombinationUtility;
}

interface Node {
  /** Pool indices in order. */
  state: number[];
  cost: number;
  parent: Node | undefined;
  children: Node[];
  expanded: boolean;
  visits: number;
  total: number;
  /** Normalised reward of this combination. */
  reward: number;
  raw: number;
}

/**
 * CORAG / CARROT (arXiv 2411.00744, wang0702/CARROT core/mcts.py): Monte Carlo tree search over ordered chunk
 * combinations. A node is an ordered list of pool chunks; expanding it scores every one-chunk extension that still
 * fits the budget with one batched utility call (so the returned combination is always within B tokens), and each
 * child's reward is backed up to the root. Selection descends by UCB = mean + C·sqrt(ln N(parent)/N(v)) − λ·cost/B.
 * Rewards are min–max normalised by the single-chunk rewards so C means the same for any reranker's scale.
 * The answer is the best-scoring node seen (ties: more visits, then shallower), as in CARROT.
 */
export function coragSelector(options: CoragOptions = {}, deps: CoragDeps = {}): Selector {
  const o = parseSpec(CoragOptionsSchema, options, 'corag selector');
  const base = deps.utility ?? (deps.reranker ? rerankerUtility(deps.reranker) : undefined);
  if (!base) {
    throw new SiftError('E_BAD_CONFIG', 'corag selector: needs a reranker (or a combination utility) to score chunk combinations', {
      details: { key: 'reranker' },
    });
  }
  return {
    name: 'corag',
    async select(query: string, candidates: ScoredChunk[], opts: RunOptions & { budget?: number } = {}): Promise<Selection> {
      const B = opts.budget ?? o.budget;
      if (B === undefined || !Number.isFinite(B) || B < 0) {
        throw new SiftError('E_BAD_CONFIG', `corag selector: no valid token budget (got ${String(B)}); pass budget in the spec or to select()`, {
          details: { key: 'budget' },
        });
      }
      const t0 = performance.now();
      const pool = candidates.slice(0, o.poolSize);
      const utility = base.forPool ? base.forPool(pool) : base;
      const rand = seededRandom(o.seed);
      const maxDepth = Math.min(o.maxDepth ?? pool.length, pool.length);
      const root: Node = { state: [], cost: 0, parent: undefined, children: [], expanded: false, visits: 0, total: 0, reward: 0, raw: Number.NEGATIVE_INFINITY };
      let lo = 0;
      let span = 1;
      let calls = 0;
      const all: Node[] = [];

      const expand = async (v: Node): Promise<void> => {
        v.expanded = true;
        if (v.state.length >= maxDepth) return;
        const used = new Set(v.state);
        const kids: Node[] = [];
        for (let i = 0; i < pool.length; i++) {
          const cost = v.cost + pool[i]!.tokenCount;
          if (used.has(i) || cost > B) continue;
          kids.push({ state: [...v.state, i], cost, parent: v, children: [], expanded: false, visits: 0, total: 0, reward: 0, raw: 0 });
        }
        if (kids.length === 0) return;
        const raw = await utility.score(query, kids.map((k) => k.state.map((i) => pool[i]!)), opts);
        calls += kids.length;
        if (v === root) {
          // Normalise by the single-chunk rewards: their range maps to [0, 1].
          lo = Math.min(...raw);
          const hi = Math.max(...raw);
          span = hi - lo > 0 ? hi - lo : Math.max(Math.abs(hi), 1);
        }
        kids.forEach((k, j) => {
          k.raw = raw[j]!;
          k.reward = (k.raw - lo) / span;
          v.children.push(k);
          all.push(k);
          for (let n: Node | undefined = k; n; n = n.parent) {
            n.visits += 1;
            n.total += k.reward;
          }
        });
      };

      const ucb = (v: Node, parentVisits: number): number =>
        v.total / v.visits + o.C * Math.sqrt(Math.log(parentVisits) / v.visits) - (B > 0 ? (o.lambda * v.cost) / B : 0);

      let iterations = 0;
      for (let it = 0; it < o.iterations; it++) {
        throwIfAborted(opts.signal);
        let v = root;
        while (v.expanded && v.children.length > 0) {
          let best: Node[] = [];
          let bestU = Number.NEGATIVE_INFINITY;
          for (const c of v.children) {
            const u = ucb(c, v.visits);
            if (u > bestU + 1e-12) {
              bestU = u;
              best = [c];
            } else if (Math.abs(u - bestU) <= 1e-12) best.push(c);
          }
          v = best.length === 1 ? best[0]! : best[Math.floor(rand() * best.length)]!;
        }
        if (v.expanded) {
          // A leaf that cannot grow (budget or depth reached): revisit it so search moves elsewhere.
          for (let n: Node | undefined = v; n; n = n.parent) {
            n.visits += 1;
            n.total += v.reward;
          }
        } else {
          await expand(v);
        }
        iterations++;
        if (root.expanded && root.children.length === 0) break;
      }

      let best: Node | undefined;
      for (const n of all) {
        if (!best || n.raw > best.raw || (n.raw === best.raw && (n.visits > best.visits || (n.visits === best.visits && n.state.length < best.state.length)))) {
          best = n;
        }
      }
      const chosen = best?.state ?? [];
      const single = new Map(root.children.map((c) => [c.state[0]!, c.raw]));
      const chunks = chosen.map((i, pos): ScoredChunk => {
        const c = pool[i]!;
        // Reward of the combination up to this chunk, to show what each one added.
        let prefix: Node | undefined = best;
        for (let d = chosen.length; d > pos + 1 && prefix; d--) prefix = prefix.parent;
        return {
          ...c,
          explain: {
            ...c.explain,
            corag: { position: pos, firstStageRank: i, alone: single.get(i), prefixReward: prefix?.raw, reason: `in the best combination found (reward ${best!.raw.toFixed(3)}, ${best!.cost}/${B} tokens)` },
          },
        };
      });
      return {
        chunks,
        tokens: best?.cost ?? 0,
        trace: {
          utility: utility.id,
          budget: B,
          pool: pool.length,
          iterations,
          nodes: all.length,
          rerankerCalls: calls,
          reward: best?.raw,
          ms: performance.now() - t0,
        },
      };
    },
  };
}
