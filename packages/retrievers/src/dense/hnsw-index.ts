import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SiftError } from '@sift/core';
import type * as Hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-write.js';
import { HnswOptionsSchema, type HnswOptions, type ResolvedHnswOptions } from './hnsw-options.js';

// hnswlib-node is CommonJS with a native addon: require it on first use (synchronously, so `create` stays sync),
// never at import, so BM25-only users of this package do not map it.
let hnswlibModule: typeof Hnswlib | undefined;
function hnswlib(): typeof Hnswlib {
  if (hnswlibModule) return hnswlibModule;
  try {
    hnswlibModule = createRequire(import.meta.url)('hnswlib-node') as typeof Hnswlib;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new SiftError('E_DEPENDENCY_MISSING', 'HNSW indexes need hnswlib-node, which is not installed: npm install hnswlib-node', {
        cause: err,
        details: { package: 'hnswlib-node' },
      });
    }
    // Installed, but its addon was never compiled (pnpm 10 runs no install scripts it was not told to allow).
    if (/Could not locate the bindings file/.test((err as Error).message)) {
      throw new SiftError(
        'E_DEPENDENCY_MISSING',
        "hnswlib-node's native addon is not built: allow its install script (pnpm approve-builds, or onlyBuiltDependencies: [hnswlib-node]) and run `pnpm rebuild hnswlib-node` (npm: `npm rebuild hnswlib-node`)",
        { cause: err, details: { package: 'hnswlib-node' } },
      );
    }
    throw err;
  }
  return hnswlibModule;
}

export const HNSW_FILE = 'hnsw.bin';
export const HNSW_LABELS_FILE = 'hnsw.labels.json';
export const HNSW_FORMAT_VERSION = 1;

export interface HnswHit {
  id: string;
  /** Similarity: cosine similarity for `cosine`, inner product for `ip` (higher is better). */
  score: number;
}

export interface HnswSearchOptions {
  /** Overrides the index's ef for this query (still raised to k). */
  ef?: number;
  /** Keep only ids for which this returns true. A throwing filter fails this search, never the process. */
  filter?: (id: string) => boolean;
}

const LabelsFileSchema = z.object({
  version: z.literal(HNSW_FORMAT_VERSION),
  dim: z.number().int().positive(),
  options: HnswOptionsSchema,
  capacity: z.number().int().positive(),
  ids: z.array(z.string()),
  deleted: z.array(z.number().int().nonnegative()),
  /** The index generation these files were written for (SiftIndex commits), when known. */
  generation: z.number().int().nonnegative().optional(),
});

/**
 * Approximate nearest neighbours over string ids (hnswlib-node). Ids map to dense integer labels; re-adding an id
 * replaces its vector, `remove` marks it deleted. Capacity doubles on demand. `save`/`load` keep `hnsw.bin` and
 * its label map side by side in one folder (written atomically).
 */
export class HnswIndex {
  readonly dim: number;
  /** Replaced (never mutated) by `useEf`. */
  options: ResolvedHnswOptions;
  readonly #index: Hnswlib.HierarchicalNSW;
  readonly #ids: string[];
  readonly #labels = new Map<string, number>();
  readonly #deleted: Set<number>;
  #capacity: number;
  /** The index generation the loaded files were saved for (undefined when never recorded). */
  generation: number | undefined;

  private constructor(dim: number, options: ResolvedHnswOptions, index: Hnswlib.HierarchicalNSW, ids: string[], deleted: Set<number>, capacity: number) {
    this.dim = dim;
    this.options = options;
    this.#index = index;
    this.#ids = ids;
    this.#deleted = deleted;
    this.#capacity = capacity;
    ids.forEach((id, label) => this.#labels.set(id, label));
  }

  static create(dim: number, options: HnswOptions = {}): HnswIndex {
    if (!Number.isInteger(dim) || dim < 1) throw new SiftError('E_BAD_CONFIG', `HNSW dimension must be a positive integer, got ${dim}`);
    const o = parseOptions(options);
    const index = new (hnswlib().HierarchicalNSW)(o.space, dim);
    index.initIndex({ maxElements: o.initialCapacity, m: o.m, efConstruction: o.efConstruction, randomSeed: o.seed });
    index.setEf(o.ef);
    return new HnswIndex(dim, o, index, [], new Set(), o.initialCapacity);
  }

  /** Live (not deleted) vectors. */
  get size(): number {
    return this.#ids.length - this.#deleted.size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  has(id: string): boolean {
    const l = this.#labels.get(id);
    return l !== undefined && !this.#deleted.has(l);
  }

  /** Adds or replaces vectors. hnswlib's addPoint is synchronous; callers batch and yield between calls. */
  add(ids: readonly string[], vectors: readonly Float32Array[]): void {
    if (ids.length !== vectors.length) {
      throw new SiftError('E_BAD_INPUT', `HNSW add: ${ids.length} ids but ${vectors.length} vectors`);
    }
    const fresh = new Set(ids.filter((id) => !this.#labels.has(id))).size;
    this.#reserve(this.#ids.length + fresh);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const v = vectors[i]!;
      if (v.length !== this.dim) {
        throw new SiftError('E_BAD_INPUT', `HNSW add: vector for '${id}' has length ${v.length}, expected ${this.dim}`);
      }
      let label = this.#labels.get(id);
      if (label === undefined) {
        label = this.#ids.length;
        this.#ids.push(id);
        this.#labels.set(id, label);
      }
      // Re-adding a label replaces its vector and clears its deleted mark.
      this.#index.addPoint(Array.from(v), label);
      this.#deleted.delete(label);
    }
  }

  /** The live ids with their stored vectors (hnswlib's copies: normalised in cosine space), for ef tuning. */
  liveVectors(): { ids: string[]; vectors: Float32Array[] } {
    const ids: string[] = [];
    const vectors: Float32Array[] = [];
    this.#ids.forEach((id, label) => {
      if (this.#deleted.has(label)) return;
      ids.push(id);
      vectors.push(Float32Array.from(this.#index.getPoint(label)));
    });
    return { ids, vectors };
  }

  /** Makes `ef` the default search breadth (saved with the index; a query may still override it). */
  useEf(ef: number): void {
    this.options = { ...this.options, ef };
    this.#index.setEf(ef);
  }

  /** Marks ids deleted; unknown or already deleted ids are ignored. Returns how many were deleted. */
  remove(ids: readonly string[]): number {
    let n = 0;
    for (const id of ids) {
      const label = this.#labels.get(id);
      if (label === undefined || this.#deleted.has(label)) continue;
      this.#index.markDelete(label);
      this.#deleted.add(label);
      n++;
    }
    return n;
  }

  search(query: Float32Array, k: number, opts: HnswSearchOptions = {}): HnswHit[] {
    if (query.length !== this.dim) {
      throw new SiftError('E_BAD_INPUT', `HNSW search: query has length ${query.length}, expected ${this.dim}`);
    }
    if (!Number.isInteger(k) || k < 0) throw new SiftError('E_BAD_INPUT', `HNSW search: k must be a non-negative integer, got ${k}`);
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    this.#index.setEf(Math.max(opts.ef ?? this.options.ef, n));
    let filterError: unknown;
    let filter: ((label: number) => boolean) | undefined;
    if (opts.filter) {
      const user = opts.filter;
      // hnswlib-node aborts the process when a filter throws (yoshoku/hnswlib-node#132): catch inside, rethrow after.
      filter = (label) => {
        if (filterError !== undefined) return false;
        try {
          return user(this.#ids[label]!) === true;
        } catch (err) {
          filterError = err ?? new Error('filter threw');
          return false;
        }
      };
    }
    const res = filter ? this.#index.searchKnn(Array.from(query), n, filter) : this.#index.searchKnn(Array.from(query), n);
    if (filterError !== undefined) {
      throw new SiftError('E_BAD_INPUT', `HNSW search filter threw: ${(filterError as Error).message ?? String(filterError)}`, {
        cause: filterError,
      });
    }
    return res.neighbors.map((label, i) => ({ id: this.#ids[label]!, score: 1 - res.distances[i]! }));
  }

  #reserve(needed: number): void {
    if (needed <= this.#capacity) return;
    let cap = this.#capacity;
    while (cap < needed) cap *= 2;
    this.#index.resizeIndex(cap);
    this.#capacity = cap;
  }

  /**
   * Writes hnsw.bin and hnsw.labels.json into `dir`, each replaced atomically; `generation` (an index commit number)
   * is recorded in the label map so a reader can tell whether the files belong to the committed index.
   */
  async save(dir: string, opts: { generation?: number; stem?: string } = {}): Promise<void> {
    const { bin: binName, labels: labelsName } = hnswFileNames(opts.stem);
    const bin = path.join(dir, binName);
    const tmp = `${bin}.tmp-${process.pid}`;
    try {
      await this.#index.writeIndex(tmp);
      await rename(tmp, bin);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new SiftError('E_RUNTIME', `Cannot write ${bin}: ${(err as Error).message}`, { cause: err });
    }
    const labels: z.input<typeof LabelsFileSchema> = {
      version: HNSW_FORMAT_VERSION,
      dim: this.dim,
      options: this.options,
      capacity: this.#capacity,
      ids: this.#ids,
      deleted: [...this.#deleted].sort((a, b) => a - b),
      ...(opts.generation !== undefined ? { generation: opts.generation } : {}),
    };
    await writeFileAtomic(path.join(dir, labelsName), JSON.stringify(labels));
  }

  /** Whether `dir` holds both files (named `<stem>.bin` and `<stem>.labels.json`; stem `hnsw` by default). */
  static exists(dir: string, stem?: string): boolean {
    const names = hnswFileNames(stem);
    return existsSync(path.join(dir, names.bin)) && existsSync(path.join(dir, names.labels));
  }

  /** Opens an index written by `save` (with the same `stem`); `ef` may be overridden for searching. */
  static async load(dir: string, overrides: { ef?: number; stem?: string } = {}): Promise<HnswIndex> {
    const names = hnswFileNames(overrides.stem);
    const bin = path.join(dir, names.bin);
    const labelsFile = path.join(dir, names.labels);
    if (!HnswIndex.exists(dir, overrides.stem)) {
      throw new SiftError('E_INDEX_MISSING', `No HNSW index in ${dir} (needs ${names.bin} and ${names.labels})`, { details: { dir } });
    }
    let meta: z.output<typeof LabelsFileSchema>;
    try {
      meta = LabelsFileSchema.parse(JSON.parse(await readFile(labelsFile, 'utf8')));
    } catch (err) {
      throw new SiftError('E_INDEX_CORRUPT', `${labelsFile} is not a version ${HNSW_FORMAT_VERSION} HNSW label map`, { cause: err, details: { file: labelsFile } });
    }
    const { stem: _stem, ...rest } = overrides;
    const options = { ...meta.options, ...(rest.ef !== undefined ? { ef: rest.ef } : {}) };
    const index = new (hnswlib().HierarchicalNSW)(options.space, meta.dim);
    try {
      await index.readIndex(bin);
    } catch (err) {
      throw new SiftError('E_INDEX_CORRUPT', `Cannot read ${bin}: ${(err as Error).message}`, { cause: err, details: { file: bin } });
    }
    if (index.getCurrentCount() !== meta.ids.length) {
      throw new SiftError('E_INDEX_CORRUPT', `${bin} holds ${index.getCurrentCount()} vectors but ${labelsFile} names ${meta.ids.length}`, {
        details: { file: bin },
      });
    }
    index.setEf(options.ef);
    const out = new HnswIndex(meta.dim, options, index, meta.ids, new Set(meta.deleted), index.getMaxElements());
    if (meta.generation !== undefined) out.generation = meta.generation;
    return out;
  }
}

/** `hnsw.bin` + `hnsw.labels.json`, or `<stem>.bin` + `<stem>.labels.json`. */
export function hnswFileNames(stem?: string): { bin: string; labels: string } {
  return stem === undefined ? { bin: HNSW_FILE, labels: HNSW_LABELS_FILE } : { bin: `${stem}.bin`, labels: `${stem}.labels.json` };
}

function parseOptions(options: HnswOptions): ResolvedHnswOptions {
  const parsed = HnswOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SiftError('E_BAD_CONFIG', `Invalid HNSW options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}
