import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Folder holding onnxruntime-node's native binaries for this platform (where provider libraries must go). */
export function ortBinaryDir(): string {
  // `onnxruntime-node` resolves to <pkg>/dist/index.js; its binaries live in <pkg>/bin/napi-v6/<platform>/<arch>.
  const entry = require.resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Shared libraries an execution provider needs beside the core runtime (Linux names; other platforms differ). */
export function providerLibraries(name: string): string[] {
  if (name === 'cuda') return ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
  if (name === 'tensorrt') {
    return ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so'];
  }
  return [];
}

/** Provider libraries that are not on disk, so that we never ask ORT to load them (it prints native errors). */
export function missingProviderLibraries(name: string): string[] {
  const dir = ortBinaryDir();
  return providerLibraries(name).filter((f) => !existsSync(path.join(dir, f)));
}
