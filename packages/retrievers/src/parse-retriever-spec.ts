import { SiftError } from '@sift/core';
import { z } from 'zod';
import { RETRIEVER_NAMES, RetrieverSpecSchema, type ResolvedRetrieverSpec } from './retriever-spec.js';

/** Validates a retriever spec: an unknown `retriever` is E_UNKNOWN_COMPONENT, a bad option E_BAD_CONFIG. */
export function parseRetrieverSpec(spec: unknown): ResolvedRetrieverSpec {
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
  return parsed.data;
}
