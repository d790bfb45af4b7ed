import { SiftError, type Retriever } from '@sift/core';
import type { RetrieverDeps } from '../create-retriever.js';
import { parseRetrieverSpec } from '../parse-retriever-spec.js';
import type { RetrieverSpec } from '../retriever-spec.js';
import { IndexBm25Retriever } from './index-bm25-retriever.js';
import { firstSpecOf, walkOptionsOf } from '../graph/graph-spec.js';
import type { SiftIndex } from './sift-index.js';

/**
 * Backs `SiftIndex.retriever`: one case per retriever that can run over an on-disk index. Each retriever's module
 * loads with the first query that names it (a BM25 query evaluated the dense, graph and InfiniRetri modules for nothing).
 */
export async function createIndexRetriever(index: SiftIndex, spec: RetrieverSpec, _deps: RetrieverDeps): Promise<Retriever> {
  const s = parseRetrieverSpec(spec);
  switch (s.retriever) {
    case 'bm25': {
      if (typeof spec === 'string') spec = { retriever: 'bm25' };
      // The analyzer is baked into bm25.bin; only k1 and b can change at query time.
      const built = index.bm25Index().options;
      for (const key of ['stopwords', 'stem'] as const) {
        if (key in spec && JSON.stringify(s[key]) !== JSON.stringify(built[key])) {
          throw new SiftError(
            'E_BAD_CONFIG',
            `Index ${index.dir} was built with BM25 ${key}=${JSON.stringify(built[key])}; a query cannot use ${key}=${JSON.stringify(s[key])}`,
            { details: { key } },
          );
        }
      }
      return new IndexBm25Retriever(index, {
        ...('k1' in spec ? { k1: s.k1 } : {}),
        ...('b' in spec ? { b: s.b } : {}),
      });
    }
    case 'dense': {
      const { indexDenseRetriever } = await import('../dense/index-dense.js');
      return indexDenseRetriever(index, s, _deps);
    }
    case 'hybrid': {
      const { indexHybridRetriever } = await import('../dense/index-dense.js');
      const bm25 = { retriever: 'bm25', ...((spec as { bm25?: object }).bm25 ?? {}) } as RetrieverSpec;
      return indexHybridRetriever(index, s, _deps, () => createIndexRetriever(index, bm25, _deps));
    }
    case 'graph': {
      const { indexGraphRetriever } = await import('../graph/index-graph.js');
      return indexGraphRetriever(index, await createIndexRetriever(index, firstSpecOf(spec) as RetrieverSpec, _deps), walkOptionsOf(s as unknown as Record<string, unknown>));
    }
    case 'infiniretri': {
      const { indexInfiniRetriRetriever } = await import('../infiniretri/index-infiniretri.js');
      return indexInfiniRetriRetriever(index, s, _deps, () => createIndexRetriever(index, s.first as RetrieverSpec, _deps));
    }
    default:
      throw new SiftError('E_UNKNOWN_COMPONENT', `Retriever "${(s as { retriever: string }).retriever}" cannot run over an on-disk index yet (index ${index.dir})`, {
        details: { key: 'retriever', value: (s as { retriever: string }).retriever },
      });
  }
}
