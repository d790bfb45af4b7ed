import { createHash, randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { makeDir } from '../make-dir.js';
import path from 'node:path';
import { z } from 'zod';
import { SiftError } from '../errors.js';

const MAGIC = 'SIFTEMB1';
const HASH_BYTES = 32;
/** Default bound on a cache folder's total size. */
export const DEFAULT_EMBEDDING_CACHE_MAX_BYTES = 2 * 1024 ** 3;
/** A model with more segment files than this has them merged into one when a cache opens. */
const MAX_SEGMENTS = 16;

export const EmbeddingCacheOptionsSchema = z.object({
  /** Folder for cache files (see defaultEmbeddingCacheDir); segment files per (model id, dimension). */
  dir: z.string().min(1),
  modelId: z.string().min(1),
  dim: z.number().int().positive(),
  /** Bound on the folder's total size: past it, the oldest segment files (of any model) are deleted on open. */
  maxBytes: z.number().int().positive().default(DEFAULT_EMBEDDING_CACHE_MAX_BYTES),
});
export type EmbeddingCacheOptions = z.input<typeof EmbeddingCacheOptionsSchema>;

export interface EmbeddingCacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses); 0 before any lookup. */
  hitRate: number;
  /** Distinct texts with a vector (all segments read at open plus this cache's own writes). */
  entries: number;
  /** Identity of the cache: folder + the model's file prefix (segments are `<prefix>.<stamp>.emb`). */
  file: string;
  /** Segment files read or written by this cache. */
  segments: number;
}

/** sha256 of the UTF-8 text: the cache key within one model's files. */
export function textHash(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The persistent embedding cache shared by `sift index`, `sift eval` and library callers: `$SIFT_CACHE_DIR/embeddings`
 * when SIFT_CACHE_DIR is set, else `$XDG_CACHE_HOME/sift/embeddings`, else `~/.cache/sift/embeddings`.
 */
export function defaultEmbeddingCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['SIFT_CACHE_DIR']) return path.join(env['SIFT_CACHE_DIR'], 'embeddings');
  if (env['XDG_CACHE_HOME']) return path.join(env['XDG_CACHE_HOME'], 'sift', 'embeddings');
  return path.join(homedir(), '.cache', 'sift', 'embeddings');
}

/**
 * The cache folder `sift index` and `sift eval` use: `defaultEmbeddingCacheDir()`, or undefined (no cache) when
 * SIFT_EMBEDDING_CACHE=off.
 */
export function embeddingCacheDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env['SIFT_EMBEDDING_CACHE'] === 'off' ? undefined : defaultEmbeddingCacheDir(env);
}

interface Segment {
  file: string;
  fh: FileHandle;
  records: number;
}

/**
 * On-disk embedding cache keyed by (model id, sha256(text)), safe for several processes at once: every cache writes
 * only to its own segment file (created exclusively, appended to), so writers never share a file, and readers load
 * every complete record of every segment of the model. A segment file is a header (magic, dim, model id) then
 * fixed-size records [32-byte hash | dim × float32 LE]; a torn last record (a writer that crashed) is ignored, never cut,
 * since its file may belong to a live process. Only the hash → record map lives in memory; vectors are read on a hit.
 * Opening merges a model's segments when there are more than 16 (new file, atomic rename, old ones deleted) and
 * deletes the oldest segments of the folder while it is larger than `maxBytes`. Records written by other processes
 * after this cache opened are seen by the next open.
 */
export class EmbeddingCache {
  readonly file: string;
  readonly modelId: string;
  readonly dim: number;
  readonly #dir: string;
  readonly #prefix: string;
  readonly #header: Buffer;
  readonly #recordBytes: number;
  readonly #segments: Segment[] = [];
  readonly #index = new Map<string, { seg: number; rec: number }>();
  #own: Segment | undefined;
  #closed = false;
  #hits = 0;
  #misses = 0;
  #writes: Promise<void> = Promise.resolve();

  private constructor(dir: string, modelId: string, dim: number) {
    this.#dir = dir;
    this.modelId = modelId;
    this.dim = dim;
    this.#prefix = cacheFileName(modelId, dim).replace(/\.emb$/, '');
    this.file = path.join(dir, this.#prefix);
    this.#header = encodeHeader(modelId, dim);
    this.#recordBytes = HASH_BYTES + 4 * dim;
  }

  static async open(options: EmbeddingCacheOptions): Promise<EmbeddingCache> {
    const parsed = EmbeddingCacheOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid embedding cache options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const { dir, modelId, dim, maxBytes } = parsed.data;
    // Not mkdir({ recursive: true }): it never returns for some paths (SIFT_CACHE_DIR=/proc/x).
    await makeDir(dir);
    const cache = new EmbeddingCache(dir, modelId, dim);
    try {
      await evictOldest(dir, maxBytes);
      await cache.#loadAll();
      if (cache.#segments.length > MAX_SEGMENTS) await cache.#compact();
    } catch (err) {
      await cache.close();
      throw err;
    }
    return cache;
  }

  async #modelFiles(): Promise<string[]> {
    const names = await readdir(this.#dir);
    // The legacy single file (<prefix>.emb) and segments (<prefix>.<stamp>.emb), oldest stamp first.
    return names.filter((n) => n === `${this.#prefix}.emb` || (n.startsWith(`${this.#prefix}.`) && n.endsWith('.emb'))).sort();
  }

  async #loadAll(): Promise<void> {
    for (const name of await this.#modelFiles()) {
      const file = path.join(this.#dir, name);
      let fh: FileHandle;
      try {
        fh = await open(file, 'r');
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT') continue; // merged or evicted by another process meanwhile
        throw err;
      }
      const seg: Segment = { file, fh, records: 0 };
      this.#segments.push(seg);
      await this.#checkHeader(seg);
      await this.#load(seg, this.#segments.length - 1);
    }
  }

  async #checkHeader(seg: Segment): Promise<void> {
    const got = Buffer.alloc(this.#header.length);
    const { bytesRead } = await seg.fh.read(got, 0, got.length, 0);
    if (bytesRead === 0) return; // a segment whose writer has not written its header yet
    if (bytesRead !== got.length || !got.equals(this.#header)) {
      throw new SiftError('E_INDEX_CORRUPT', `Embedding cache ${seg.file} does not belong to model '${this.modelId}' (dim ${this.dim})`, {
        details: { file: seg.file },
      });
    }
  }

  async #load(seg: Segment, segIndex: number): Promise<void> {
    const size = (await seg.fh.stat()).size;
    const records = Math.max(0, Math.floor((size - this.#header.length) / this.#recordBytes));
    const perBlock = Math.max(1, Math.floor((4 << 20) / this.#recordBytes));
    const buf = Buffer.alloc(perBlock * this.#recordBytes);
    for (let r = 0; r < records; r += perBlock) {
      const n = Math.min(perBlock, records - r);
      await seg.fh.read(buf, 0, n * this.#recordBytes, this.#header.length + r * this.#recordBytes);
      for (let j = 0; j < n; j++) {
        const key = buf.toString('latin1', j * this.#recordBytes, j * this.#recordBytes + HASH_BYTES);
        if (!this.#index.has(key)) this.#index.set(key, { seg: segIndex, rec: r + j });
      }
    }
    seg.records = records;
  }

  /** Rewrites every record into one new segment (tmp file, then rename) and deletes the merged files. */
  async #compact(): Promise<void> {
    const tmp = path.join(this.#dir, `.${this.#prefix}.${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(tmp, 'wx');
    try {
      // Sequential writes only: a positional write would not move the file offset the later ones start from.
      await fh.write(this.#header, 0, this.#header.length, null);
      const entries = [...this.#index.entries()];
      const rec = Buffer.alloc(this.#recordBytes);
      const chunk = Math.max(1, Math.floor((4 << 20) / this.#recordBytes));
      for (let i = 0; i < entries.length; i += chunk) {
        const part = entries.slice(i, i + chunk);
        const out = Buffer.alloc(part.length * this.#recordBytes);
        for (let j = 0; j < part.length; j++) {
          const [, at] = part[j]!;
          const seg = this.#segments[at.seg]!;
          await seg.fh.read(rec, 0, this.#recordBytes, this.#header.length + at.rec * this.#recordBytes);
          rec.copy(out, j * this.#recordBytes);
        }
        await fh.write(out, 0, out.length, null);
      }
    } finally {
      await fh.close();
    }
    const merged = path.join(this.#dir, `${this.#prefix}.${segmentStamp()}.emb`);
    await rename(tmp, merged);
    const old = this.#segments.splice(0);
    this.#index.clear();
    for (const s of old) {
      await s.fh.close();
      // Another process may hold it open: on POSIX it keeps reading the unlinked file; its records are in `merged`.
      await unlink(s.file).catch(() => undefined);
    }
    const seg: Segment = { file: merged, fh: await open(merged, 'r'), records: 0 };
    this.#segments.push(seg);
    await this.#load(seg, 0);
  }

  #check(): void {
    if (this.#closed) throw new SiftError('E_CLOSED', `Embedding cache ${this.file} is closed`);
  }

  /** Vectors for `texts` (undefined where not cached). Counts hits and misses. */
  async get(texts: readonly string[]): Promise<Array<Float32Array | undefined>> {
    this.#check();
    // Dense (not sparse) so that callers may use forEach/map over the misses.
    const out: Array<Float32Array | undefined> = Array.from({ length: texts.length }, () => undefined);
    for (let i = 0; i < texts.length; i++) {
      const at = this.#index.get(textHash(texts[i]!).toString('latin1'));
      if (at === undefined) {
        this.#misses++;
        continue;
      }
      this.#hits++;
      const bytes = Buffer.alloc(4 * this.dim);
      await this.#segments[at.seg]!.fh.read(bytes, 0, bytes.length, this.#header.length + at.rec * this.#recordBytes + HASH_BYTES);
      const v = new Float32Array(this.dim);
      for (let d = 0; d < this.dim; d++) v[d] = bytes.readFloatLE(4 * d);
      out[i] = v;
    }
    return out;
  }

  /** Appends vectors for texts not yet cached to this cache's own segment, in one write. Calls are serialised. */
  put(texts: readonly string[], vectors: readonly Float32Array[]): Promise<void> {
    const next = this.#writes.then(() => this.#append(texts, vectors));
    this.#writes = next.catch(() => undefined);
    return next;
  }

  async #append(texts: readonly string[], vectors: readonly Float32Array[]): Promise<void> {
    this.#check();
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
    const own = await this.#ownSegment();
    const buf = Buffer.alloc(fresh.length * this.#recordBytes);
    fresh.forEach(([key, v], j) => {
      const at = j * this.#recordBytes;
      buf.write(key, at, HASH_BYTES, 'latin1');
      for (let d = 0; d < this.dim; d++) buf.writeFloatLE(v[d]!, at + HASH_BYTES + 4 * d);
    });
    // Opened for appending: writes land at the end whatever position is passed.
    await own.fh.write(buf, 0, buf.length, null);
    const segIndex = this.#segments.indexOf(own);
    fresh.forEach(([key], j) => this.#index.set(key, { seg: segIndex, rec: own.records + j }));
    own.records += fresh.length;
  }

  async #ownSegment(): Promise<Segment> {
    if (this.#own) return this.#own;
    const file = path.join(this.#dir, `${this.#prefix}.${segmentStamp()}.emb`);
    // 'ax+': created exclusively (no other process can share it), appended to, and readable for hits.
    const fh = await open(file, 'ax+');
    await fh.write(this.#header, 0, this.#header.length, null);
    this.#own = { file, fh, records: 0 };
    this.#segments.push(this.#own);
    return this.#own;
  }

  stats(): EmbeddingCacheStats {
    const looked = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: looked === 0 ? 0 : this.#hits / looked,
      entries: this.#index.size,
      file: this.file,
      segments: this.#segments.length,
    };
  }

  isOpen(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writes;
    for (const s of this.#segments.splice(0)) await s.fh.close().catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Sortable by age: time, then pid and randomness so two processes never pick the same name. */
function segmentStamp(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes the oldest cache files of `dir` until it holds at most 80% of `maxBytes` (when over `maxBytes`). */
async function evictOldest(dir: string, maxBytes: number): Promise<void> {
  const files: Array<{ file: string; size: number; mtime: number }> = [];
  for (const n of await readdir(dir)) {
    if (!n.endsWith('.emb')) continue;
    const file = path.join(dir, n);
    const s = await stat(file).catch(() => undefined);
    if (s?.isFile()) files.push({ file, size: s.size, mtime: s.mtimeMs });
  }
  let total = files.reduce((a, f) => a + f.size, 0);
  if (total <= maxBytes) return;
  files.sort((a, b) => a.mtime - b.mtime);
  for (const f of files) {
    if (total <= 0.8 * maxBytes) break;
    await unlink(f.file).catch(() => undefined);
    total -= f.size;
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
