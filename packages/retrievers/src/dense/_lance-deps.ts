import { createRequire } from 'node:module';
import { SiftError } from '@sift/core';
import type * as ArrowModule from 'apache-arrow';

export type LanceModule = typeof import('@lancedb/lancedb');

const require = createRequire(import.meta.url);
let lance: Promise<LanceModule> | undefined;

/** LanceDB is native and heavy: load it on first use (BM25/HNSW-only users never pay for it). */
export function loadLanceDb(): Promise<LanceModule> {
  lance ??= import('@lancedb/lancedb').catch((err: unknown) => {
    lance = undefined;
    throw new SiftError('E_DEPENDENCY_MISSING', `Cannot load @lancedb/lancedb: ${(err as Error).message}`, { cause: err });
  });
  return lance;
}

let arrowModule: typeof ArrowModule | undefined;

/**
 * apache-arrow as LanceDB sees it: LanceDB is CommonJS and checks `instanceof` against arrow's CommonJS build, so an
 * ESM import (a second copy of the classes) would be rejected (LanceDB #984/#1458).
 */
export function arrowForLance(): typeof ArrowModule {
  arrowModule ??= require('apache-arrow') as typeof ArrowModule;
  return arrowModule;
}
