import { SiftError, throwIfAborted, type Embedder, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import type { RetrieverDeps } from '../create-retriever.js';
import { DenseLegSchema } from '../dense/dense-spec.js';
import { HybridRetriever } from '../dense/hybrid-retriever.js';
import { LanceDenseRetriever } from '../dense/lance-dense-retriever.js';
import { LanceFtsRetriever } from '../dense/lance-fts-retriever.js';
import { GraphRetriever } from '../graph/graph-retriever.js';
import { firstSpecOf, walkOptionsOf } from '../graph/graph-spec.js';
import { parseRetrieverSpec } from '../parse-retriever-spec.js';
import type { RetrieverSpec } from '../retriever-spec.js';
import type { RemoteIndex } from './remote-index.js';
import type { RemoteTables } from './remote-tables.js';

/**
 * Backs `RemoteIndex.retriever`: `bm25` → LanceDB full-text search (its own BM25; `k1`, `b`, `stopwords` and `stem`
 * of a local index do not apply), `dense` → LanceDB vector search (IVF-PQ when finalize built one, else exact),
 * `hybrid` → both fused by weighted RRF with the hybrid spec's weights, `graph:<first>` → a walk over the entity
 * graph stored in the dataset (see `RemoteIndex.entityGraph`) on top of `first`. InfiniRetri needs a local index.
 */
export async function createRemoteRetriever(index: RemoteIndex, t: RemoteTables, spec: RetrieverSpec | string, deps: RetrieverDeps): Promise<Retriever> {
  const s = parseRetrieverSpec(spec);
  switch (s.retriever) {
    case 'bm25': {
      // A resolved spec carries every default: only settings changed from them are refused.
      const defaults = parseRetrieverSpec('bm25') as unknown as Record<string, unknown>;
      const given = Object.entries(s).filter(([k, v]) => k !== 'retriever' && JSON.stringify(v) !== JSON.stringify(defaults[k])).map(([k]) => k);
      if (given.length > 0) {
        throw new SiftError('E_BAD_CONFIG', `Index ${index.uri} searches words with LanceDB's full-text index, which takes no ${given.join(', ')}`, {
          details: { key: given[0] },
        });
      }
      return lexical(index, t);
    }
    case 'dense':
      return dense(index, t, s, deps);
    case 'hybrid': {
      const legs = { lexical: await lexical(index, t), dense: await dense(index, t, s.dense ?? DenseLegSchema.parse({}), deps) };
      return HybridRetriever.create(legs, { rrfK: s.rrfK, lexicalWeight: s.lexicalWeight, denseWeight: s.denseWeight, depth: s.depth });
    }
    case 'graph': {
      const first = await createRemoteRetriever(index, t, firstSpecOf(spec) as RetrieverSpec, deps);
      const graph = await index.entityGraph(deps.signal ? { signal: deps.signal } : {});
      const source = {
        async get(ids: readonly string[]) {
          const byId = new Map((await index.getChunks(ids)).map((c) => [c.id, c]));
          return ids.map((id) => byId.get(id));
        },
      };
      return GraphRetriever.fromGraph(first, graph, source, walkOptionsOf(s as unknown as Record<string, unknown>));
    }
    default:
      throw new SiftError('E_UNKNOWN_COMPONENT', `Retriever "${s.retriever}" needs a local index folder; a remote index (${index.uri}) serves bm25, dense, hybrid and graph:*`, {
        details: { key: 'retriever', value: s.retriever },
      });
  }
}

async function lexical(index: RemoteIndex, t: RemoteTables): Promise<Retriever> {
  return new StableOrder(await LanceFtsRetriever.open(() => t.chunks, {}, { build: false, path: index.uri }));
}

async function dense(index: RemoteIndex, t: RemoteTables, leg: ReturnType<typeof DenseLegSchema.parse>, deps: RetrieverDeps): Promise<Retriever> {
  const built = index.record?.embedder;
  if (!built) throw new SiftError('E_BAD_CONFIG', `Index ${index.uri} has no vectors (built without an embedder); use the bm25 retriever`, { details: { key: 'retriever' } });
  const embedder: Embedder | undefined = deps.embedder ?? (await index.embedder());
  if (embedder.id !== built.id || embedder.dim !== built.dim) {
    throw new SiftError('E_BAD_CONFIG', `Index ${index.uri} was built with embedder ${built.id} (dim ${built.dim}), not ${embedder.id} (dim ${embedder.dim})`, {
      details: { key: 'embedder' },
    });
  }
  const { nprobes, refineFactor } = index.settings;
  const r = await LanceDenseRetriever.open(
    () => t.chunks,
    { nprobes, refineFactor, ...(leg.lance ?? {}), ...(leg.backend === 'flat' ? { index: 'flat' as const } : {}), ...(leg.space === 'ip' ? { distance: 'dot' as const } : {}) },
    { embedder, build: false, path: index.uri },
  );
  return new StableOrder(r);
}

/**
 * Equal scores in a fixed order (by id), so an index written by four workers answers exactly as one written by one
 * (LanceDB returns ties in row order, which depends on who wrote first). It asks for a few more hits than wanted
 * so a tie across the cut is settled by id too.
 */
class StableOrder implements Retriever {
  readonly name: string;

  constructor(private readonly inner: Retriever) {
    this.name = inner.name;
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    if (k <= 0) return [];
    const hits = await this.inner.retrieve(query, k + Math.max(10, k), opts);
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rankKey = Object.keys(hits[0]?.explain ?? {}).find((key) => key.endsWith('Rank'));
    return hits.slice(0, k).map((h, i) => (rankKey ? { ...h, explain: { ...h.explain, [rankKey]: i + 1 } } : h));
  }
}
