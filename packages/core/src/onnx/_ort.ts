import type * as Ort from 'onnxruntime-node';
import { SiftError } from '../errors.js';

export type OrtModule = typeof Ort;

let ortModule: OrtModule | undefined;
let loading: Promise<OrtModule> | undefined;

/**
 * onnxruntime-node, imported on first use: its native library takes 0.3–1 s to map, and importing `@sift/core`
 * for BM25, chunking or selection must not pay for it.
 */
export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-node').then(
    (m) => (ortModule = m),
    (err: unknown) => {
      loading = undefined;
      throw dependencyError(err);
    },
  );
  return loading;
}

/** The already loaded module, for synchronous code that only runs once a session exists (which loaded it). */
export function loadedOrt(): OrtModule {
  if (!ortModule) throw new SiftError('E_RUNTIME', 'onnxruntime-node is not loaded yet: open an OnnxSession first');
  return ortModule;
}

function dependencyError(err: unknown): unknown {
  if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') return err;
  return new SiftError(
    'E_DEPENDENCY_MISSING',
    'ONNX models need onnxruntime-node, which is not installed: npm install onnxruntime-node (or pnpm add onnxruntime-node)',
    { cause: err, details: { package: 'onnxruntime-node' } },
  );
}
