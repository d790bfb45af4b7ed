import { existsSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SiftError } from '../errors.js';
import { makeDir } from '../make-dir.js';

/** What a Hugging Face layout folder must hold for an ONNX encoder. */
export const HF_REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
/** ONNX weight files tried in order (fp32 first unless `quantized`). */
export const HF_ONNX_FILES = ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'model.onnx'] as const;

export interface ResolveHfModelOptions {
  /** Prefer onnx/model_quantized.onnx over onnx/model.onnx. */
  quantized?: boolean;
  /** Download a hub id's files when they are not in `cacheDir` yet. Off by default: Sift is offline first. */
  allowRemote?: boolean;
  /** Where hub ids are looked for (and downloaded to): `<cacheDir>/<org>/<name>/`. */
  cacheDir?: string;
  /** Hub base URL. */
  hubUrl?: string;
  signal?: AbortSignal;
}

export interface HfModelDir {
  dir: string;
  onnxFile: string;
  config: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

export const DEFAULT_MODEL_CACHE_DIR = path.join(os.homedir(), '.cache', 'sift', 'models');
const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** True when `spec` reads as `org/name` and is not an existing local path. */
export function isHubId(spec: string): boolean {
  return HUB_ID.test(spec) && !spec.includes('..') && !existsSync(spec);
}

/**
 * Finds the folder of an ONNX encoder: a local path, or a hub id looked up in the cache dir (and fetched there only
 * when `allowRemote`). Checks every required file and names the first one missing (E_MODEL_MISSING).
 */
export async function resolveHfModelDir(spec: string, opts: ResolveHfModelOptions = {}): Promise<HfModelDir> {
  const onnxOrder = opts.quantized ? ['onnx/model_quantized.onnx', 'onnx/model.onnx', 'model.onnx'] : [...HF_ONNX_FILES];
  let dir: string;
  if (isHubId(spec)) {
    dir = path.join(opts.cacheDir ?? DEFAULT_MODEL_CACHE_DIR, ...spec.split('/'));
    if (!hasAll(dir, onnxOrder)) {
      if (!opts.allowRemote) {
        throw new SiftError(
          'E_MODEL_MISSING',
          `Model '${spec}' is not a local folder and is not in ${dir}; pass a local Hugging Face folder, or allow remote models to download it`,
          { details: { model: spec, dir } },
        );
      }
      await downloadHubModel(spec, dir, onnxOrder, opts);
    }
  } else {
    dir = path.resolve(spec);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new SiftError('E_MODEL_MISSING', `Model folder not found: ${dir}`, { details: { model: spec, dir } });
    }
  }
  for (const f of HF_REQUIRED_FILES) {
    if (!existsSync(path.join(dir, f))) {
      throw new SiftError('E_MODEL_MISSING', `Model folder ${dir} has no ${f}`, { details: { dir, file: path.join(dir, f) } });
    }
  }
  const onnxRel = onnxOrder.find((f) => existsSync(path.join(dir, f)));
  if (onnxRel === undefined) {
    throw new SiftError('E_MODEL_MISSING', `Model folder ${dir} has no ONNX weights (looked for ${onnxOrder.join(', ')})`, {
      details: { dir, file: path.join(dir, onnxOrder[0]!) },
    });
  }
  return {
    dir,
    onnxFile: path.join(dir, onnxRel),
    config: await readJson(path.join(dir, 'config.json')),
    tokenizerConfig: await readJson(path.join(dir, 'tokenizer_config.json')),
  };
}

function hasAll(dir: string, onnxOrder: string[]): boolean {
  return HF_REQUIRED_FILES.every((f) => existsSync(path.join(dir, f))) && onnxOrder.some((f) => existsSync(path.join(dir, f)));
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SiftError('E_MODEL_MISSING', `Cannot read ${file}`, { cause: err, details: { file } });
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new SiftError('E_MODEL_MALFORMED', `${file} is not a JSON object: ${(err as Error).message}`, { cause: err, details: { file } });
  }
}

/** Fetches the files an encoder needs from the hub into `dir` (each written to a temp name, then renamed). */
async function downloadHubModel(id: string, dir: string, onnxOrder: string[], opts: ResolveHfModelOptions): Promise<void> {
  const base = (opts.hubUrl ?? 'https://huggingface.co').replace(/\/$/, '');
  const get = async (rel: string, required: boolean): Promise<boolean> => {
    const target = path.join(dir, rel);
    if (existsSync(target)) return true;
    const url = `${base}/${id}/resolve/main/${rel}`;
    let res: Response;
    try {
      res = await fetch(url, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      throw new SiftError('E_MODEL_MISSING', `Cannot download ${url}: ${(err as Error).message}`, { cause: err, details: { url } });
    }
    if (!res.ok) {
      if (!required && res.status === 404) return false;
      throw new SiftError('E_MODEL_MISSING', `Cannot download ${url}: HTTP ${res.status}`, { details: { url, status: res.status } });
    }
    await makeDir(path.dirname(target));
    const tmp = `${target}.part-${process.pid}`;
    await writeFile(tmp, new Uint8Array(await res.arrayBuffer()));
    await rename(tmp, target);
    return true;
  };
  for (const f of HF_REQUIRED_FILES) await get(f, true);
  for (const f of onnxOrder) if (await get(f, false)) return;
  throw new SiftError('E_MODEL_MISSING', `Hub model '${id}' has none of ${onnxOrder.join(', ')}`, { details: { model: id } });
}
