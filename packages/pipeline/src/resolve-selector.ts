import type { Embedder, LLM, Reranker, Selector } from '@sift/core';
import { loadSelector, type AnySelectorSpec } from '@sift/selectors';
import { isSelector } from './parts.js';

/** What a model-backed selector may use instead of loading its own (`loadSelector`'s deps). */
export interface SelectorDeps {
  embedder?: Embedder;
  reranker?: Reranker;
  llm?: LLM;
}

/**
 * A selector from a spec (`'budget'`, `{ name: 'threshold', minScore: 0.2 }`, `{ name: 'corag', budget: 512 }`) or a
 * ready `Selector`, through the selectors package's `loadSelector`, so every selector it knows works here unchanged.
 */
export async function resolveSelector(spec: unknown, deps: SelectorDeps = {}): Promise<Selector> {
  if (isSelector(spec)) return spec;
  return loadSelector(spec as AnySelectorSpec, deps);
}

/** The name of a selector spec, without building it. */
export function selectorNameOf(spec: unknown): string | undefined {
  if (typeof spec === 'string') return spec;
  if (isSelector(spec)) return spec.name;
  const name = (spec as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}
