import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SiftError } from '../errors.js';

const MAGIC = 'SIFTEMB1';
const HASH_BYTES = 32;

export const EmbeddingCacheOptionsSchema = z.object({
  /** Folder for cache files; one file per (model id, dimension). */
  dir: z.string().min(1),
  modelId: z.string().min(1),
  dim: z.number().int().positive(),
});
export type EmbeddingCacheOptions = z.input<typeof EmbeddingCacheOptionsSchema>;

export interface EmbeddingCacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses); 0 before any lookup. */
  hitRate: number;
  /** Vectors stored in the file. */
  entries: number;
  file: string;
}

/** sha256 of the UTF-8 text: the cache key within one model's file. */
export function textHash(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * On-disk embedding cache keyed by (model id, sha256(text)). One append-only file per model:
 * a header (magic, dim, model id) then fixed-size records [32-byte hash | dim × float32 LE].
 * Only the hash → record map lives in memory; vectors are read from disk on a hit. A torn last record (crash while
 * writing) is cut off on open. One writer at a time per file.
 */
export class EmbeddingCache {
  #fh: FileHandle | undefined;
  readonly file: string;
  readonly modelId: string;
  readonly dim: number;
  readonly #index = new Map<string, number>();
  readonly #headerBytes: number;
  readonly #recordBytes: number;
  #hits = 0;
  #misses = 0;
  #writes: Promise<void> = Promise.resolve();

  private constructor(fh: FileHandle, file: string, modelId: string, dim: number, headerBytes: number) {
    this.#fh = fh;
    this.file = file;
    this.modelId = modelId;
    this.dim = dim;
    this.#headerBytes = headerBytes;
    this.#recordBytes = HASH_BYTES + 4 * dim;
  }

  static async open(options: EmbeddingCacheOptions): Promise<EmbeddingCache> {
    const parsed = EmbeddingCacheOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid embedding cache options: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    const { dir, modelId, dim } = parsed.data;
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, cacheFileName(modelId, dim));
    const header = encodeHeader(modelId, dim);
    const fh = await open(file, 'a+');
    try {
      const size = (await fh.stat()).size;
      if (size === 0) {
        await fh.write(header, 0, header.length, 0);
      } else {
        const got = Buffer.alloc(header.length);
        const { bytesRead } = await fh.read(got, 0, header.length, 0);
        if (bytesRead !== header.length || !got.equals(header)) {
          throw new SiftError('E_INDEX_CORRUPT', `Embedding cache ${file} does not belong to model '${modelId}' (dim ${dim})`, {
            details: { file },
          });
        }
      }
      const cache = new EmbeddingCache(fh, file, modelId, dim, header.length);
      await cache.#load(Math.max(size, header.length));
      return cache;
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async #load(size: number): Promise<void> {
    const fh = this.#handle();
    const records = Math.floor((size - this.#headerBytes) / this.#recordBytes);
    const whole = this.#headerBytes + records * this.#recordBytes;
    // Read hashes only, a block of records at a time.
    const perBlock = Math.max(1, Math.floor((4 << 20) / this.#recordBytes));
    const buf = Buffer.alloc(perBlock * this.#recordBytes);
    for (let r = 0; r < records; r += perBlock) {
      const n = Math.min(perBlock, records - r);
      await fh.read(buf, 0, n * this.#recordBytes, this.#headerBytes + r * this.#recordBytes);
      for (let j = 0; j < n; j++) {
        const key = buf.toString('latin1', j * this.#recordBytes, j * this.#recordBytes + HASH_BYTES);
        this.#index.set(key, r + j);
      }
    }
    if (whole < size) await fh.truncate(whole); // torn tail from an interrupted write
  }

  #handle(): FileHandle {
    if (!this.#fh) throw new SiftError('E_CLOSED', `Embedding cache ${this.file} is closed`);
    return this.#fh;
  }

  /** Vectors for `texts` (undefined where not cached). Counts hits and misses. */
  async get(texts: readonly string[]): Promise<Array<Float32Array | undefined>> {
    const fh = this.#handle();
    // Dense (not sparse) so that callers may use forEach/map over the misses.
    const out: Array<Float32Array | undefined> = Array.from({ length: texts.length }, () => undefined);
    for (let i = 0; i < texts.length; i++) {
      const rec = this.#index.get(textHash(texts[i]!).toString('latin1'));
      if (rec === undefined) {
        this.#misses++;
        continue;
      }
      this.#hits++;
      const bytes = Buffer.alloc(4 * this.dim);
      await fh.read(bytes, 0, bytes.length, this.#headerBytes + rec * this.#recordBytes + HASH_BYTES);
      const v = new Float32Array(this.dim);
      for (let d = 0; d < this.dim; d++) v[d] = bytes.readFloatLE(4 * d);
      out[i] = v;
    }
    return out;
  }

  /** Appends vectors for texts not yet cached, in one write. Concurrent calls are serialised. */
  put(texts: readonly string[], vectors: readonly Float32Array[]): Promise<void> {
    const next = this.#writes.then(() => this.#append(texts, vectors));
    this.#writes = next.catch(() => undefined);
    return next;
  }

  async #append(texts: readonly string[], vectors: readonly Float32Array[]): Promise<void> {
    const fh = this.#handle();
    if (texts.length !== vectors.length) {
      throw new SiftError('E_BAD_INPUT', `Embedding cache put: ${texts.length} texts but ${vectors.length} vectors`);
    }
    const fresh: Array<[string, Float32Array]> = [];
    const seen = new Set<string>();
    for (let i = 0; i < texts.length; i++) {
      const key = textHash(texts[i]!).toString('latin1');
      if (this.#index.has(key) || seen.has(key)) continue;
      const v = vectors[i]!;
      if (v.length !== this.dim) {
        throw new SiftError('E_BAD_INPUT', `Embedding cache ${this.file}: vector of length ${v.length}, expected ${this.dim}`);
      }
      seen.add(key);
      fresh.push([key, v]);
    }
    if (fresh.length === 0) return;
    const buf = Buffer.alloc(fresh.length * this.#recordBytes);
    fresh.forEach(([key, v], j) => {
      const at = j * this.#recordBytes;
      buf.write(key, at, HASH_BYTES, 'latin1');
      for (let d = 0; d < this.dim; d++) buf.writeFloatLE(v[d]!, at + HASH_BYTES + 4 * d);
    });
    const start = this.#index.size;
    // The file was opened with 'a+': writes always land at the end, whatever position is passed.
    await fh.write(buf, 0, buf.length, null);
    fresh.forEach(([key], j) => this.#index.set(key, start + j));
  }

  stats(): EmbeddingCacheStats {
    const looked = this.#hits + this.#misses;
    return { hits: this.#hits, misses: this.#misses, hitRate: looked === 0 ? 0 : this.#hits / looked, entries: this.#index.size, file: this.file };
  }

  isOpen(): boolean {
    return this.#fh !== undefined;
  }

  async close(): Promise<void> {
    await this.#writes;
    const fh = this.#fh;
    this.#fh = undefined;
    if (fh) await fh.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Readable, collision-safe file name: a slug of the model id plus a short hash of the full id. */
export function cacheFileName(modelId: string, dim: number): string {
  const slug = modelId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const h = createHash('sha256').update(modelId, 'utf8').digest('hex').slice(0, 12);
  return `${slug}-${h}-d${dim}.emb`;
}

function encodeHeader(modelId: string, dim: number): Buffer {
  const id = Buffer.from(modelId, 'utf8');
  const buf = Buffer.alloc(8 + 4 + 4 + id.length);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(dim, 8);
  buf.writeUInt32LE(id.length, 12);
  id.copy(buf, 16);
  return buf;
}
