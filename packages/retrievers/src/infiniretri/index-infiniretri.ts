import { SiftError, type Retriever } from '@sift/core';
import type { RetrieverDeps } from '../create-retriever.js';
import type { ResolvedRetrieverSpec } from '../retriever-spec.js';
import type { SiftIndex } from '../sift-index/sift-index.js';
import { sqlIn } from '../lance/_lance.js';
import { InfiniRetriRetriever } from './infiniretri-retriever.js';

type InfiniSpec = Extract<ResolvedRetrieverSpec, { retriever: 'infiniretri' }>;

/**
 * `infiniretri:<first>` over an on-disk index: the first stage runs on the index, and its top documents are read whole
 * from the index's `documents` table. Plain `infiniretri` (one long input) has no index to read: it is refused here.
 */
export async function indexInfiniRetriRetriever(index: SiftIndex, s: InfiniSpec, deps: RetrieverDeps, makeFirst: () => Promise<Retriever>): Promise<Retriever> {
  if (s.first === undefined) {
    throw new SiftError('E_BAD_CONFIG', `infiniretri over an index (${index.dir}) needs a first stage, e.g. infiniretri:bm25; to read one long file use sift query --input FILE`, {
      details: { key: 'retriever', value: 'infiniretri' },
    });
  }
  const { retriever: _, first: _first, ...options } = s;
  const documentText = async (docId: string): Promise<string | undefined> => {
    const rows = (await index.lanceTable('documents').query().where(sqlIn('id', [docId])).select(['text']).limit(1).toArray()) as Array<{ text?: unknown }>;
    return typeof rows[0]?.text === 'string' ? rows[0].text : undefined;
  };
  return InfiniRetriRetriever.create([], options, { ...deps, first: await makeFirst(), documentText });
}
