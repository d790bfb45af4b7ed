// Where the ONNX graph of an M2 folder comes from: the folder's own onnx/model.onnx when it has one (and the full
// length is wanted), else a graph built from config.json + model.safetensors on first use and cached as
// `<cacheDir>/<key>-L<length>-<fft>.onnx`, where cacheDir is $SIFT_CACHE_DIR/m2-graphs, else
// $XDG_CACHE_HOME/sift/m2-graphs, else ~/.cache/sift/m2-graphs. The key hashes the folder path, config.json, the
// weights file's size and mtime, the build options and the builder version, so a changed checkpoint gets a new graph.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { SiftError } from '../../errors.js';
import { buildM2Graph, type M2GraphOptions } from './m2-graph.js';
import type { M2Weights } from './m2-weights.js';

/** Bumped whenever the builder writes a different graph for the same inputs. */
const BUILDER_VERSION = 3;

export function defaultM2GraphCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['SIFT_CACHE_DIR']) return path.join(env['SIFT_CACHE_DIR'], 'm2-graphs');
  if (env['XDG_CACHE_HOME']) return path.join(env['XDG_CACHE_HOME'], 'sift', 'm2-graphs');
  return path.join(homedir(), '.cache', 'sift', 'm2-graphs');
}

export interface M2GraphRequest extends Required<Pick<M2GraphOptions, 'length' | 'fft' | 'maxRadix' | 'kernels'>> {
  /** The graph cache folder (default: defaultM2GraphCacheDir()). */
  cacheDir?: string;
  /** The model's own length: a folder's onnx/model.onnx is only used for it with the default FFT settings. */
  fullLength: number;
  defaults: boolean;
}

/** The path of an ONNX file for this model and request, building and caching it when needed. */
export async function m2GraphFile(dir: string, weights: () => Promise<M2Weights>, req: M2GraphRequest): Promise<string> {
  const shipped = path.join(dir, 'onnx', 'model.onnx');
  if (req.length === req.fullLength && req.defaults && existsSync(shipped)) return shipped;
  const configText = await readFile(path.join(dir, 'config.json'));
  const st = await stat(path.join(dir, 'model.safetensors'));
  const key = createHash('sha256')
    .update(JSON.stringify([path.resolve(dir), st.size, st.mtimeMs, req.fft, req.maxRadix, req.kernels, BUILDER_VERSION]))
    .update(configText)
    .digest('hex')
    .slice(0, 16);
  const cacheDir = req.cacheDir ?? defaultM2GraphCacheDir();
  const file = path.join(cacheDir, `${key}-L${req.length}-${req.fft}-${req.kernels}.onnx`);
  if (existsSync(file)) return file;
  const bytes = buildM2Graph(await weights(), { length: req.length, fft: req.fft, maxRadix: req.maxRadix, kernels: req.kernels });
  try {
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (err) {
    throw new SiftError('E_RUNTIME', `Cannot cache the M2 graph built for ${dir} in ${cacheDir}: ${(err as Error).message} (set SIFT_CACHE_DIR to a writable folder)`, {
      cause: err,
      details: { dir, cacheDir },
    });
  }
  return file;
}
