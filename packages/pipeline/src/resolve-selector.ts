import type { Embedder, Reranker, Selector } from '@sift/core';
import * as selectors from '@sift/selectors';
import { isSelector } from './parts.js';

/** What a model-backed selector may need; `loadSelector` takes these. */
export interface SelectorDeps {
  embedder?: Embedder;
  reranker?: Reranker;
}

type LoadSelector = (spec: unknown, deps: SelectorDeps) => Promise<Selector>;

/**
 * A selector from a spec (`'budget'`, `{ name: 'threshold', minScore: 0.2 }`) or a ready `Selector`. Uses the
 * selectors package's async `loadSelector` when it has one (selectors that load a model), else `createSelector`.
 */
export async function resolveSelector(spec: unknown, deps: SelectorDeps = {}): Promise<Selector> {
  if (isSelector(spec)) return spec;
  const load = (selectors as Record<string, unknown>).loadSelector as LoadSelector | undefined;
  if (typeof load === 'function') return load(spec, deps);
  return selectors.createSelector(spec as selectors.SelectorSpec);
}

/** The name of a selector spec, without building it. */
export function selectorNameOf(spec: unknown): string | undefined {
  if (typeof spec === 'string') return spec;
  if (isSelector(spec)) return spec.name;
  const name = (spec as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}
