// Selection on hotpotqa-100: supporting-passage recall and answer-in-context against selected tokens (cl100k) for
// top-k, budget fill, SAGE and CORAG over first-stage candidates; each reranker alone (rerank top-20, keep top-5);
// SAGE's cut (minK, maxK, g, cut mode, reranker) tuned on questions 0–49 and reported on both halves.
// Env: SIFT_SELECTION_CANDIDATES (default "bm25"; e.g. "bm25,graph:bm25,graph:hybrid"), SIFT_SELECTION_DISTRACTORS=1
// adds the 6,119 2wiki passages, SIFT_SELECTION_LM=0 skips the sift-lm-mini query-likelihood reranker and
// SIFT_SELECTION_EMBED=0 the USE-lite one (the slow ones; --quick skips both); SIFT_SELECTION_CORAG_ITERS=10,30 adds
// CORAG rows at more iterations.
import { KneserNeyLM, OnnxCausalLM, siftLmMiniDir, type Reranker, type ScoredChunk } from '@sift/core';
import { Bm25Reranker, EmbeddingReranker, QueryLikelihoodReranker, SageOptionsSchema, budgetSelector, coragSelector, sageSelector } from '@sift/selectors';
import { log, mdTable } from './_bench-utils.js';
import { MemoReranker, benchEmbedder, candidates, curveRecallAt, loadCorpus, score, type Point, type SelectionCorpus } from './_selection-setup.js';

const POOL = 20;
const BUDGETS = [128, 256, 384, 512, 768, 1024];
const GRID = { minK: [1, 2], maxK: [3, 4, 5, 6, 8, 10], g: [0.75, 1, 1.5, 2, 3], cut: ['first', 'sharpest'] as const };
/** The shipped SAGE defaults, read from the schema so the bench follows the code. */
class SageDefaults {
  readonly reranker = 'first stage';
  readonly g = SageOptionsSchema.parse({}).g;
  readonly cut = SageOptionsSchema.parse({}).cut;
}
const f3 = (x: number) => x.toFixed(3);
const pt = (p: Point) => `${f3(p.recall)} / ${f3(p.aic)} / ${Math.round(p.tokens)}`;

interface Halves {
  tune: Point;
  held: Point;
  all: Point;
}
const halves = (sel: ScoredChunk[][], c: SelectionCorpus): Halves => ({
  tune: score(sel, c.questions, 0, 50),
  held: score(sel, c.questions, 50, 100),
  all: score(sel, c.questions),
});

async function rerankers(c: SelectionCorpus, withLm: boolean, withEmbed: boolean): Promise<Array<[string, Reranker]>> {
  const out: Array<[string, Reranker]> = [['bm25 (pool IDF)', new Bm25Reranker()]];
  if (withEmbed) out.push(['embedding cosine (USE-lite)', new EmbeddingReranker(await benchEmbedder())]);
  // The n-gram LM is trained on the corpus passages (retrieval text, no labels).
  const kn = await KneserNeyLM.train(c.chunks.map((x) => x.text), { order: 3 });
  out.push(['query likelihood, Kneser-Ney 3-gram (corpus)', new QueryLikelihoodReranker(kn)]);
  const dir = siftLmMiniDir();
  if (withLm && dir) out.push(['query likelihood, sift-lm-mini', new QueryLikelihoodReranker(await OnnxCausalLM.create({ model: dir, device: 'cpu' }))]);
  return out;
}

async function runCandidates(spec: string, c: SelectionCorpus, withLm: boolean, quick: boolean) {
  const runs = await candidates(spec, c, 50);
  const qs = c.questions;
  const sections: string[] = [];
  const results: Record<string, unknown> = {};

  // Top-k and budget fill: the baselines every point is compared with.
  const topk = Array.from({ length: 10 }, (_, i) => ({ k: i + 1, ...halves(runs.map((r) => r.slice(0, i + 1)), c) }));
  const fill = [];
  for (const b of BUDGETS) {
    const sel = budgetSelector({ budget: b });
    fill.push({ budget: b, ...halves(await Promise.all(runs.map((r, i) => sel.select(qs[i]!.question, r).then((s) => s.chunks))), c) });
  }
  const curve = (h: keyof Halves) => topk.map((t) => t[h]);
  const above = (p: Point, h: keyof Halves) => p.recall - curveRecallAt(curve(h), p.tokens);

  // Each reranker alone, and a memo of its scores for the SAGE grid.
  const memos: Array<[string, MemoReranker | undefined]> = [['first stage', undefined]];
  const alone: Array<Array<string | number>> = [['first stage (no rerank)', ...[0, 1].map((h) => f3(score(runs.map((r) => r.slice(0, 5)), qs, h * 50, h * 50 + 50).recall)), f3(topk[1]!.all.recall), f3(topk[4]!.all.recall), '-']];
  for (const [name, r] of await rerankers(c, withLm && !quick, process.env['SIFT_SELECTION_EMBED'] !== '0' && !quick)) {
    const memo = new MemoReranker(r);
    const reranked: ScoredChunk[][] = [];
    for (let i = 0; i < qs.length; i++) {
      const pool = runs[i]!.slice(0, POOL);
      const s = await memo.score(qs[i]!.question, pool.map((x) => x.text));
      reranked.push(pool.map((x, j) => ({ ...x, score: s[j]! })).sort((a, b) => b.score - a.score));
    }
    const r2 = score(reranked.map((x) => x.slice(0, 2)), qs).recall;
    const r5 = [0, 1].map((h) => score(reranked.map((x) => x.slice(0, 5)), qs, h * 50, h * 50 + 50).recall);
    alone.push([name, f3(r5[0]!), f3(r5[1]!), f3(r2), f3(score(reranked.map((x) => x.slice(0, 5)), qs).recall), (memo.ms / qs.length).toFixed(1)]);
    memos.push([name, memo]);
    log(`selection[${spec}]: reranker ${name}: ${(memo.ms / qs.length).toFixed(1)} ms/query`);
  }

  // SAGE: grid on q0-49; objective = recall above the top-k curve at the same tokens (q0-49 curve).
  type SageRow = { reranker: string; minK: number; maxK: number; g: number; cut: 'first' | 'sharpest'; h: Halves; gain: number };
  const sageRows: SageRow[] = [];
  for (const [rname, memo] of memos)
    for (const minK of GRID.minK)
      for (const maxK of GRID.maxK)
        for (const g of GRID.g)
          for (const cut of GRID.cut) {
            const sel = sageSelector({ topN: POOL, minK, maxK, g, cut }, memo ? { reranker: memo } : {});
            const chosen: ScoredChunk[][] = [];
            for (let i = 0; i < qs.length; i++) chosen.push((await sel.select(qs[i]!.question, runs[i]!)).chunks);
            const h = halves(chosen, c);
            sageRows.push({ reranker: rname, minK, maxK, g, cut, h, gain: above(h.tune, 'tune') });
          }
  sageRows.sort((a, b) => b.gain - a.gain);
  const bestPer = new Map<string, SageRow>();
  for (const r of sageRows) if (!bestPer.has(r.reranker)) bestPer.set(r.reranker, r);
  // SAGE as a frontier: the best grid row (on q0-49) within each band of q0-49 tokens per query.
  const bands = [0, 200, 400, 700, Number.POSITIVE_INFINITY];
  const frontier: SageRow[] = [];
  for (let b = 0; b + 1 < bands.length; b++) {
    const r = sageRows.find((x) => x.h.tune.tokens >= bands[b]! && x.h.tune.tokens < bands[b + 1]!);
    if (r) frontier.push(r);
  }

  // SAGE as a curve: the default cut (tuned on q0-49 with the default reranker) at each maxK.
  const sageDefault = new SageDefaults();
  const defaultMemo = memos.find(([n]) => n === sageDefault.reranker)?.[1];
  const sageCurve: Array<{ maxK: number; h: Halves }> = [];
  for (const maxK of [2, 3, 4, 5, 6, 8, 10]) {
    const sel = sageSelector({ topN: POOL, maxK }, defaultMemo ? { reranker: defaultMemo } : {});
    const chosen: ScoredChunk[][] = [];
    for (let i = 0; i < qs.length; i++) chosen.push((await sel.select(qs[i]!.question, runs[i]!)).chunks);
    sageCurve.push({ maxK, h: halves(chosen, c) });
  }

  // CORAG at each budget. Utility: BM25 of the concatenation against the pool's statistics; with b = 0.75 a longer
  // concatenation is penalised (the search stops once the query terms are covered), with b = 0 it is not (fills B).
  const coragRows: Array<{ utility: string; budget: number; h: Halves; calls: number; ms: number }> = [];
  const utilities: Array<[string, Reranker]> = [
    ['bm25 b=0.75 (default)', new Bm25Reranker()],
    ['bm25 b=0', new Bm25Reranker({ b: 0 })],
  ];
  // More iterations let the tree grow deeper (10 expansions mostly widen the first levels with C = 2.4).
  const iterationList = (process.env['SIFT_SELECTION_CORAG_ITERS'] ?? '10').split(',').map(Number);
  for (const iterations of iterationList)
  for (const [uname0, r] of utilities)
    for (const budget of BUDGETS) {
      const uname = iterations === 10 ? uname0 : `${uname0}, ${iterations} iterations`;
      const sel = coragSelector({ budget, poolSize: POOL, seed: 0, iterations }, { reranker: r });
      const chosen: ScoredChunk[][] = [];
      let calls = 0;
      const t0 = performance.now();
      for (let i = 0; i < qs.length; i++) {
        const s = await sel.select(qs[i]!.question, runs[i]!);
        calls += s.trace!['rerankerCalls'] as number;
        chosen.push(s.chunks);
      }
      coragRows.push({ utility: uname, budget, h: halves(chosen, c), calls: calls / qs.length, ms: (performance.now() - t0) / qs.length });
      log(`selection[${spec}]: corag ${uname} B=${budget}: ${pt(coragRows.at(-1)!.h.all)}`);
    }

  sections.push(`### candidates: ${spec} (${c.chunks.length} passages, ${qs.length} questions; cells: recall / answer-in-context / tokens per query)`);
  sections.push(mdTable(['selector', 'q0-49 (tuning)', 'q50-99 (held out)', 'all 100', 'recall − top-k curve at same tokens (all)'], [
    ...topk.map((t) => [`top-${t.k}`, pt(t.tune), pt(t.held), pt(t.all), '0 (the curve)']),
    ...fill.map((f) => [`budget fill B=${f.budget}`, pt(f.tune), pt(f.held), pt(f.all), f3(above(f.all, 'all'))]),
    ...[...bestPer.values()].map((r) => [`sage ${r.reranker} (minK ${r.minK}, maxK ${r.maxK}, g ${r.g}, ${r.cut})`, pt(r.h.tune), pt(r.h.held), pt(r.h.all), f3(above(r.h.all, 'all'))]),
    ...frontier.map((r) => [`sage frontier: ${r.reranker} (minK ${r.minK}, maxK ${r.maxK}, g ${r.g}, ${r.cut})`, pt(r.h.tune), pt(r.h.held), pt(r.h.all), f3(above(r.h.all, 'all'))]),
    ...sageCurve.map((r) => [`sage default (${sageDefault.reranker}, g ${sageDefault.g}, ${sageDefault.cut}) maxK=${r.maxK}`, pt(r.h.tune), pt(r.h.held), pt(r.h.all), f3(above(r.h.all, 'all'))]),
    ...coragRows.map((r) => [`corag ${r.utility} B=${r.budget}`, pt(r.h.tune), pt(r.h.held), pt(r.h.all), f3(above(r.h.all, 'all'))]),
  ]));
  sections.push('Rerank top-20, keep top-5 (recall@5; first stage = its own top 5):\n\n' + mdTable(['reranker', 'recall@5 q0-49', 'recall@5 q50-99', 'recall@2 all', 'recall@5 all', 'ms/query (20 pairs)'], alone));
  sections.push('CORAG cost per query:\n\n' + mdTable(['utility', 'budget', 'reranker calls/query', 'ms/query'], coragRows.map((r) => [r.utility, r.budget, r.calls.toFixed(1), r.ms.toFixed(1)])));
  sections.push('SAGE grid, 10 best on q0-49 by recall above the top-k curve:\n\n' + mdTable(['reranker', 'minK', 'maxK', 'g', 'cut', 'gain q0-49', 'gain q50-99', 'q0-49', 'q50-99'],
    sageRows.slice(0, 10).map((r) => [r.reranker, r.minK, r.maxK, r.g, r.cut, f3(r.gain), f3(above(r.h.held, 'held')), pt(r.h.tune), pt(r.h.held)])));
  results[spec] = { topk, fill, sageBest: [...bestPer.values()], sageTop: sageRows.slice(0, 20), sageFrontier: frontier, sageCurve, corag: coragRows, alone };
  return { table: sections.join('\n\n'), results };
}

export default {
  name: 'selection',
  description: 'hotpotqa-100 recall / answer-in-context vs tokens: top-k, budget fill, sage (tuned on q0-49), corag; rerankers alone',
  async run(opts: { quick: boolean; json: boolean }) {
    const specs = (process.env['SIFT_SELECTION_CANDIDATES'] ?? 'bm25').split(',').map((s) => s.trim()).filter(Boolean);
    const distractors = process.env['SIFT_SELECTION_DISTRACTORS'] === '1';
    const withLm = process.env['SIFT_SELECTION_LM'] !== '0';
    const c = await loadCorpus(distractors);
    const tables: string[] = [];
    const results: Record<string, unknown> = { distractors, passages: c.chunks.length };
    for (const spec of specs) {
      const r = await runCandidates(spec, c, withLm, opts.quick);
      tables.push(r.table);
      Object.assign(results, r.results);
    }
    return { table: tables.join('\n\n'), results };
  },
};
