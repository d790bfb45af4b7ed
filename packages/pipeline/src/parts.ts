import type { Chunker, Embedder, Reranker, Retriever, Selector } from '@sift/core';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const hasFn = (v: unknown, name: string): boolean => isObject(v) && typeof v[name] === 'function';

/** A `Chunker` object (`{ name, chunk(doc) }`), as opposed to a chunker config. */
export const isChunker = (v: unknown): v is Chunker => hasFn(v, 'chunk');
/** An `Embedder` object (`{ id, dim, embed(texts) }`), as opposed to an embedder spec string. */
export const isEmbedder = (v: unknown): v is Embedder => hasFn(v, 'embed');
/** A `Retriever` object (`{ name, retrieve(q, k) }`), as opposed to a retriever spec. */
export const isRetriever = (v: unknown): v is Retriever => hasFn(v, 'retrieve');
/** A `Selector` object (`{ name, select(q, candidates) }`), as opposed to a selector spec. */
export const isSelector = (v: unknown): v is Selector => hasFn(v, 'select');
/** A `Reranker` object (`{ id, score(q, texts) }`). */
export const isReranker = (v: unknown): v is Reranker => hasFn(v, 'score');
