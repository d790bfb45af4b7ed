import { SiftError, throwIfAborted, type Chunk, type Embedder, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import { z } from 'zod';
import { TopK } from '../bm25/top-k.js';
import { memoryChunkSource, type ChunkSource } from './chunk-source.js';
import { explainPassage } from './explain-passage.js';
import { GraphBuilder } from './graph-builder.js';
import { GraphOptionsSchema, GraphWalkOptionsSchema, type GraphOptions, type GraphWalkOptions, type ResolvedGraphWalkOptions } from './graph-options.js';
import { graphTransition, type GraphTransition } from './graph-transition.js';
import type { PassageGraph } from './passage-graph.js';
import { personalizedPageRank } from './personalized-pagerank.js';
import { pushPersonalizedPageRank } from './push-pagerank.js';

/**
 * Multi-hop retrieval on top of any first stage: its top passages and the entities named in the query seed a
 * personalized PageRank over the passage–entity graph, and the walk's passage scores are fused with the first
 * stage's. Passages the walk adds keep their chunk shape and offsets and say how they were reached
 * (`explain.via`: 'entity' from an entity the query names, 'passage' from a seed passage through a shared entity;
 * `explain.entity`, `explain.from`). Every result carries `explain.ppr`, its walk score (PageRank mass minus the
 * restart mass a seed gets back); first-stage results keep their own explain plus `firstStageRank`/`firstStageScore`.
 */
export class GraphRetriever implements Retriever {
  readonly name: string;
  readonly options: ResolvedGraphWalkOptions;
  readonly graph: PassageGraph;
  readonly #first: Retriever;
  readonly #walk: GraphTransition;
  readonly #chunks: ChunkSource;

  private constructor(first: Retriever, graph: PassageGraph, chunks: ChunkSource, options: ResolvedGraphWalkOptions) {
    this.name = `graph:${first.name}`;
    this.#first = first;
    this.graph = graph;
    this.#chunks = chunks;
    this.options = options;
    this.#walk = graphTransition(graph, options);
  }

  /** Builds the graph over `chunks` (the ones `first` retrieves from) and wraps `first`. */
  static async create(
    first: Retriever,
    chunks: readonly Chunk[],
    options: GraphOptions = {},
    deps: RunOptions & { embedder?: Embedder } = {},
  ): Promise<GraphRetriever> {
    const o = parse(GraphOptionsSchema, options);
    const { titles, phrases, singleWordPhrases, maxPhraseWords, mentions, synonyms, synonymThreshold, maxSynonyms, ...walk } = o;
    if (synonyms && !deps.embedder) {
      throw new SiftError('E_BAD_CONFIG', 'graph: synonyms: true needs an embedder (deps.embedder)', { details: { key: 'synonyms' } });
    }
    const builder = GraphBuilder.create({ titles, phrases, singleWordPhrases, maxPhraseWords, mentions, synonyms, synonymThreshold, maxSynonyms });
    builder.add(chunks);
    const graph = await builder.build({
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      ...(synonyms && deps.embedder ? { embedder: deps.embedder } : {}),
    });
    return new GraphRetriever(first, graph, memoryChunkSource(chunks), walk);
  }

  /** Wraps `first` with a graph built earlier (e.g. loaded from graph.bin); `chunks` resolves passages it adds. */
  static fromGraph(first: Retriever, graph: PassageGraph, chunks: ChunkSource | readonly Chunk[], options: GraphWalkOptions = {}): GraphRetriever {
    const source = Array.isArray(chunks) ? memoryChunkSource(chunks) : (chunks as ChunkSource);
    return new GraphRetriever(first, graph, source, parse(GraphWalkOptionsSchema, options));
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    const o = this.options;
    const hits = await this.#first.retrieve(query, Math.max(k, o.depth), opts.signal ? { signal: opts.signal } : {});
    throwIfAborted(opts.signal);
    const g = this.graph;
    const { matrix, passageCount: P, idf, active } = this.#walk;
    const seed = new Float64Array(matrix.nodes);

    const seedRows: number[] = [];
    const seedW: number[] = [];
    const top = hits.slice(0, o.seedPassages);
    const maxScore = Math.max(0, ...top.map((h) => h.score));
    top.forEach((h, i) => {
      const row = g.passageIndex(h.id);
      if (row < 0) return;
      const w = o.seedWeighting === 'rank' || maxScore <= 0 ? 1 / (i + 1) : Math.max(0, h.score) / maxScore;
      if (w <= 0) return;
      seedRows.push(row);
      seedW.push(w);
    });
    const queryEntities = g.findEntities(query).filter((e) => active[e]);
    const entityShare = queryEntities.length === 0 ? 0 : seedRows.length === 0 ? 1 : o.queryEntityWeight;
    const passageShare = seedRows.length === 0 ? 0 : 1 - entityShare;
    if (passageShare + entityShare === 0) {
      // Nothing to walk from (no seed the graph knows, no entity named): the first stage's ranking stands.
      return hits.slice(0, k).map((h, i) => ({ ...h, explain: { ...h.explain, firstStageRank: i + 1, firstStageScore: h.score, ppr: 0 } }));
    }
    const sumP = seedW.reduce((a, b) => a + b, 0);
    seedRows.forEach((row, i) => (seed[row]! += (passageShare * seedW[i]!) / sumP));
    const sumE = queryEntities.reduce((a, e) => a + idf[e]!, 0);
    for (const e of queryEntities) seed[P + e]! += (entityShare * idf[e]!) / sumE;

    const { scores } = o.solver === 'push' ? pushPersonalizedPageRank(matrix, seed, o) : personalizedPageRank(matrix, seed, o);
    throwIfAborted(opts.signal);

    // The walk score of a passage is the mass that reached it by walking: the restart mass a seed gets straight
    // back is left out, or the seeds would simply keep their first-stage order at the top.
    const walk = new Float64Array(P);
    let maxWalk = 0;
    for (let p = 0; p < P; p++) {
      const v = Math.max(0, scores[p]! - (1 - o.damping) * seed[p]!);
      walk[p] = v;
      if (v > maxWalk) maxWalk = v;
    }
    // Fuse: both sides max-normalised; passages outside the first stage's list have first-stage score 0.
    const firstLo = Math.min(0, ...hits.map((h) => h.score));
    const firstHi = Math.max(0, ...hits.map((h) => h.score));
    const firstNorm = (s: number): number => (firstHi > firstLo ? (s - firstLo) / (firstHi - firstLo) : 0);
    const walkNorm = (p: number): number => (p >= 0 && maxWalk > 0 ? walk[p]! / maxWalk : 0);
    const w = o.firstStageWeight;

    const fused = new Map<string, { score: number; row: number; hit?: ScoredChunk; rank?: number }>();
    hits.forEach((h, i) => {
      if (fused.has(h.id)) return;
      const row = g.passageIndex(h.id);
      // A passage the graph does not know (indexed after it was built) keeps its first-stage score.
      const f = firstNorm(h.score);
      fused.set(h.id, { score: row < 0 ? f : w * f + (1 - w) * walkNorm(row), row, hit: h, rank: i + 1 });
    });
    const walkTop = new TopK(Math.min(P, k + hits.length));
    for (let p = 0; p < P; p++) if (walk[p]! > 0) walkTop.push(p, walk[p]!);
    for (const { row } of walkTop.sorted()) {
      const id = g.passageIds[row]!;
      if (!fused.has(id)) fused.set(id, { score: (1 - w) * walkNorm(row), row });
    }
    const ranked = [...fused.entries()]
      .sort((a, b) => b[1].score - a[1].score || (a[1].rank ?? Infinity) - (b[1].rank ?? Infinity) || a[1].row - b[1].row)
      .slice(0, k);

    const addedIds = ranked.filter(([, f]) => !f.hit).map(([id]) => id);
    const addedChunks = addedIds.length > 0 ? await this.#chunks.get(addedIds, opts) : [];
    const added = new Map(addedIds.map((id, i) => [id, addedChunks[i]]));
    const out: ScoredChunk[] = [];
    for (const [id, f] of ranked) {
      const walkScore = f.row >= 0 ? walk[f.row]! : 0;
      if (f.hit) {
        out.push({ ...f.hit, score: f.score, explain: { ...f.hit.explain, firstStageRank: f.rank, firstStageScore: f.hit.score, ppr: walkScore } });
        continue;
      }
      const chunk = added.get(id);
      // A graph older than the chunk store may name a passage that is gone: skip it rather than invent one.
      if (!chunk) continue;
      out.push({ ...chunk, score: f.score, explain: { ...explainPassage(g, this.#walk, scores, seed, f.row, o.damping), ppr: walkScore } });
    }
    return out;
  }
}

function parse<S extends z.ZodType>(schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid graph retriever options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}
