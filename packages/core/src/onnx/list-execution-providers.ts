import type * as Ort from 'onnxruntime-node';
import { loadOrt } from './_ort.js';
import { missingProviderLibraries, ortBinaryDir } from './ort-paths.js';
import { probeModelBytes } from './probe-model.js';

export interface ExecutionProviderInfo {
  name: string;
  /** Shipped inside the onnxruntime-node package. */
  bundled: boolean;
  /** Its libraries are on disk (bundled, or installed later such as the CUDA provider). */
  installed: boolean;
  /** Set when `probe` was asked: a one-node model ran on it. */
  usable?: boolean;
  /** Why the probe failed, in onnxruntime's words (first line). */
  error?: string;
  /** What it takes to make it work, when it does not. */
  hint?: string;
}

export interface ListExecutionProvidersOptions {
  /** Start a tiny session on each installed provider to check that it really works (a GPU adapter, drivers…). */
  probe?: boolean;
}

export const CUDA_INSTALL_HINT =
  'CUDA needs the CUDA 12 provider libraries, which onnxruntime-node downloads from NuGet only on request ' +
  '(this repo skips them in .npmrc): run `ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm install --force` ' +
  '(or `ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm rebuild onnxruntime-node`) with network access, ' +
  'and have the CUDA 12 runtime and cuDNN 9 on the library path and an NVIDIA driver.';

const WEBGPU_HINT = 'WebGPU needs a GPU adapter that Dawn can open (Vulkan on Linux: libvulkan.so.1 and a GPU driver).';

/** Which execution providers onnxruntime-node offers here, and (with `probe`) which of them really start. */
export async function listExecutionProviders(opts: ListExecutionProvidersOptions = {}): Promise<ExecutionProviderInfo[]> {
  const ort = await loadOrt();
  const out: ExecutionProviderInfo[] = [];
  for (const b of ort.listSupportedBackends()) {
    const missing = b.bundled ? [] : missingProviderLibraries(b.name);
    const info: ExecutionProviderInfo = { name: b.name, bundled: b.bundled, installed: b.bundled || missing.length === 0 };
    if (!info.installed) {
      info.hint = b.name === 'cuda' || b.name === 'tensorrt' ? CUDA_INSTALL_HINT : `missing ${missing.join(', ')} in ${ortBinaryDir()}`;
    }
    if (opts.probe) {
      if (!info.installed) {
        info.usable = false;
        info.error = `missing ${missing.join(', ')} in ${ortBinaryDir()}`;
      } else {
        const err = await probeProvider(b.name);
        info.usable = err === undefined;
        if (err !== undefined) {
          info.error = err;
          if (b.name === 'webgpu') info.hint = WEBGPU_HINT;
        }
      }
    }
    out.push(info);
  }
  return out;
}

/** Runs the probe model on one provider; returns the failure's first line, or undefined when it worked. */
export async function probeProvider(name: string): Promise<string | undefined> {
  const ort = await loadOrt();
  let session: Ort.InferenceSession | undefined;
  try {
    // Severity 4 (fatal only): a failed provider load would otherwise print native errors on stderr.
    session = await ort.InferenceSession.create(probeModelBytes(), { executionProviders: [name], logSeverityLevel: 4 });
    const x = new ort.Tensor('float32', new Float32Array([1, 2]), [2]);
    const r = await session.run({ x });
    const y = r['y']?.data;
    if (!(y instanceof Float32Array) || y[0] !== 1 || y[1] !== 2) return 'probe model returned a wrong result';
    return undefined;
  } catch (err) {
    return firstLine(err);
  } finally {
    await session?.release().catch(() => undefined);
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]?.trim() ?? msg;
}
