import { SiftError } from '@sift/core';
import { hnswSideIndex } from '../dense/hnsw-side-index.js';
import { graphSideIndex } from '../graph/graph-side-index.js';
import type { SideIndexKind } from './side-index.js';

const kinds = new Map<string, SideIndexKind>([
  [hnswSideIndex.name, hnswSideIndex],
  [graphSideIndex.name, graphSideIndex],
]);

/**
 * Adds a kind of side index (name → how to build it) to the registry every `SiftIndex` consults. The built-in ones
 * are `hnsw` and `graph`. An index whose manifest names a kind this process does not know refuses to add (it could
 * not keep that side index in step) but still opens for reading.
 */
export function registerSideIndex(kind: SideIndexKind): void {
  const had = kinds.get(kind.name);
  if (had && had !== kind) throw new SiftError('E_BAD_CONFIG', `A side index named "${kind.name}" is already registered`, { details: { key: kind.name } });
  kinds.set(kind.name, kind);
}

/** The registered kind of side index called `name`; E_UNKNOWN_COMPONENT naming the known ones otherwise. */
export function sideIndexKind(name: string): SideIndexKind {
  const kind = kinds.get(name);
  if (!kind) {
    throw new SiftError('E_UNKNOWN_COMPONENT', `Unknown side index "${name}"; registered: ${[...kinds.keys()].join(', ')}`, { details: { key: name } });
  }
  return kind;
}

/** The names of all registered side indexes (their files are named `<name>.<generation>.<ext>`). */
export function sideIndexNames(): string[] {
  return [...kinds.keys()];
}
