import { SiftError } from '@sift/core';
import { z } from 'zod';
import { RETRIEVER_NAMES, RetrieverSpecSchema, type ResolvedRetrieverSpec } from './retriever-spec.js';

/**
 * Validates a retriever spec: an unknown `retriever` is E_UNKNOWN_COMPONENT, a bad option E_BAD_CONFIG. A bare name
 * ("bm25") stands for `{ retriever: name }`, `graph:<first>` for `{ retriever: 'graph', first: <first> }`,
 * and `infiniretri:<first>` for `{ retriever: 'infiniretri', first: <first> }`.
 */
export function parseRetrieverSpec(spec: unknown): ResolvedRetrieverSpec {
  spec = expandShorthand(spec);
  const name = (spec as { retriever?: unknown } | null)?.retriever;
  if (typeof name !== 'string' || !(RETRIEVER_NAMES as readonly string[]).includes(name)) {
    throw new SiftError(
      'E_UNKNOWN_COMPONENT',
      `Unknown retriever ${JSON.stringify(name)}; expected one of ${RETRIEVER_NAMES.join(', ')}`,
      { details: { key: 'retriever', value: name } },
    );
  }
  const parsed = RetrieverSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new SiftError('E_BAD_CONFIG', `Invalid ${name} retriever spec: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  if (parsed.data.retriever === 'graph') {
    const first = parseRetrieverSpec(parsed.data.first);
    if (first.retriever === 'graph') {
      throw new SiftError('E_BAD_CONFIG', 'Invalid graph retriever spec: first must not be another graph retriever', { details: { key: 'first' } });
    }
    return { ...parsed.data, first };
  }
  if (parsed.data.retriever === 'infiniretri' && parsed.data.first !== undefined) {
    const first = parseRetrieverSpec(parsed.data.first);
    if (first.retriever === 'infiniretri') {
      throw new SiftError('E_BAD_CONFIG', 'Invalid infiniretri retriever spec: first must not be another infiniretri retriever', { details: { key: 'first' } });
    }
    return { ...parsed.data, first };
  }
  return parsed.data;
}

function expandShorthand(spec: unknown): unknown {
  if (typeof spec === 'string') spec = { retriever: spec };
  const name = (spec as { retriever?: unknown } | null)?.retriever;
  if (typeof name === 'string' && name.startsWith('graph:')) {
    return { ...(spec as object), retriever: 'graph', first: name.slice('graph:'.length) };
  }
  if (typeof name === 'string' && name.startsWith('infiniretri:')) {
    return { ...(spec as object), retriever: 'infiniretri', first: name.slice('infiniretri:'.length) };
  }
  return spec;
}
