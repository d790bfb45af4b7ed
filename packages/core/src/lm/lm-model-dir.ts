import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_CACHE_DIR, isHubId } from '../embed/hf-model-dir.js';
import { SiftError } from '../errors.js';
import { readModelJson } from './_read-model-json.js';

/** The project's own small causal LM, shipped in the repository under `models/sift-lm-mini/`. */
export const SIFT_LM_MINI = 'sift-lm-mini';

/** ONNX files tried in order when none is named. */
export const LM_ONNX_FILES = ['onnx/model.onnx', 'model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_quantized.onnx'] as const;

export interface LmModelDir {
  dir: string;
  onnxFile: string;
  config: Record<string, unknown>;
}

/** `models/sift-lm-mini` of the Sift checkout this file lives in, or undefined outside a checkout. */
export function siftLmMiniDir(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = path.dirname(from);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
      const m = path.join(dir, 'models', SIFT_LM_MINI);
      return existsSync(m) ? m : undefined;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Finds a decoder's folder: `sift-lm-mini`, a local path, or a hub id (`org/name`) looked up in the model cache dir
 * (`<cacheDir>/<org>/<name>`; nothing is downloaded). Checks config.json and the ONNX file and names the first one
 * missing; the tokenizer files are checked when the tokenizer loads.
 */
export async function resolveLmDir(spec: string, opts: { onnxFile?: string; cacheDir?: string } = {}): Promise<LmModelDir> {
  let dir: string;
  if (spec === SIFT_LM_MINI) {
    const d = siftLmMiniDir();
    if (d === undefined) {
      throw new SiftError(
        'E_MODEL_MISSING',
        `${SIFT_LM_MINI} ships in the Sift repository (models/${SIFT_LM_MINI}); outside a checkout pass the folder path`,
        { details: { model: spec } },
      );
    }
    dir = d;
  } else if (isHubId(spec)) {
    dir = path.join(opts.cacheDir ?? DEFAULT_MODEL_CACHE_DIR, ...spec.split('/'));
    if (!existsSync(dir)) {
      throw new SiftError(
        'E_MODEL_MISSING',
        `Model '${spec}' is not a local folder and is not in ${dir}; export it with scripts/export-hf-decoder.py and pass the output folder`,
        { details: { model: spec, dir } },
      );
    }
  } else {
    dir = path.resolve(spec);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new SiftError('E_MODEL_MISSING', `Model folder not found: ${dir}`, { details: { model: spec, dir } });
    }
  }
  const configFile = path.join(dir, 'config.json');
  if (!existsSync(configFile)) {
    throw new SiftError('E_MODEL_MISSING', `Model folder ${dir} has no config.json (${configFile})`, { details: { dir, file: configFile } });
  }
  let onnxFile: string;
  if (opts.onnxFile !== undefined) {
    onnxFile = path.resolve(dir, opts.onnxFile);
    if (!existsSync(onnxFile)) {
      throw new SiftError('E_MODEL_MISSING', `Model folder ${dir} has no ${opts.onnxFile} (${onnxFile})`, { details: { dir, file: onnxFile } });
    }
  } else {
    const rel = LM_ONNX_FILES.find((f) => existsSync(path.join(dir, f)));
    if (rel === undefined) {
      const file = path.join(dir, LM_ONNX_FILES[0]);
      throw new SiftError('E_MODEL_MISSING', `Model folder ${dir} has no ONNX decoder (looked for ${LM_ONNX_FILES.join(', ')}): ${file}`, {
        details: { dir, file },
      });
    }
    onnxFile = path.join(dir, rel);
  }
  return { dir, onnxFile, config: await readModelJson(configFile) };
}

