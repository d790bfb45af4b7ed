import { SiftError } from '@sift/core';
import { TopK } from '../bm25/top-k.js';

export interface FlatHit {
  id: string;
  score: number;
}

/**
 * Exact nearest neighbours by brute force over one contiguous Float32Array (cosine: rows stored unit-length, so a
 * dot product is the cosine). The right choice below a few tens of thousands of vectors, and the ground truth for
 * measuring ANN recall. Removing an id swaps the last row into its place.
 */
export class FlatIndex {
  readonly dim: number;
  readonly metric: 'cosine' | 'ip';
  #data: Float32Array;
  #ids: string[] = [];
  readonly #rowOf = new Map<string, number>();

  constructor(dim: number, metric: 'cosine' | 'ip' = 'cosine', initialCapacity = 1024) {
    if (!Number.isInteger(dim) || dim < 1) throw new SiftError('E_BAD_CONFIG', `Flat index dimension must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.metric = metric;
    this.#data = new Float32Array(Math.max(1, initialCapacity) * dim);
  }

  get size(): number {
    return this.#ids.length;
  }

  has(id: string): boolean {
    return this.#rowOf.has(id);
  }

  /** Adds or replaces vectors. */
  add(ids: readonly string[], vectors: readonly Float32Array[]): void {
    if (ids.length !== vectors.length) throw new SiftError('E_BAD_INPUT', `Flat add: ${ids.length} ids but ${vectors.length} vectors`);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const v = vectors[i]!;
      if (v.length !== this.dim) {
        throw new SiftError('E_BAD_INPUT', `Flat add: vector for '${id}' has length ${v.length}, expected ${this.dim}`);
      }
      let row = this.#rowOf.get(id);
      if (row === undefined) {
        row = this.#ids.length;
        this.#grow(row + 1);
        this.#ids.push(id);
        this.#rowOf.set(id, row);
      }
      const off = row * this.dim;
      let scale = 1;
      if (this.metric === 'cosine') {
        let n = 0;
        for (let d = 0; d < this.dim; d++) n += v[d]! * v[d]!;
        scale = n > 0 ? 1 / Math.sqrt(n) : 0;
      }
      for (let d = 0; d < this.dim; d++) this.#data[off + d] = v[d]! * scale;
    }
  }

  remove(ids: readonly string[]): number {
    let n = 0;
    for (const id of ids) {
      const row = this.#rowOf.get(id);
      if (row === undefined) continue;
      const last = this.#ids.length - 1;
      if (row !== last) {
        const lastId = this.#ids[last]!;
        this.#data.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
        this.#ids[row] = lastId;
        this.#rowOf.set(lastId, row);
      }
      this.#ids.pop();
      this.#rowOf.delete(id);
      n++;
    }
    return n;
  }

  search(query: Float32Array, k: number, opts: { filter?: (id: string) => boolean } = {}): FlatHit[] {
    if (query.length !== this.dim) throw new SiftError('E_BAD_INPUT', `Flat search: query has length ${query.length}, expected ${this.dim}`);
    const dim = this.dim;
    let q = query;
    if (this.metric === 'cosine') {
      let n = 0;
      for (let d = 0; d < dim; d++) n += query[d]! * query[d]!;
      const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
      q = new Float32Array(dim);
      for (let d = 0; d < dim; d++) q[d] = query[d]! * inv;
    }
    const top = new TopK(Math.min(k, this.#ids.length));
    const data = this.#data;
    for (let r = 0; r < this.#ids.length; r++) {
      if (opts.filter && !opts.filter(this.#ids[r]!)) continue;
      let s = 0;
      const off = r * dim;
      for (let d = 0; d < dim; d++) s += data[off + d]! * q[d]!;
      top.push(r, s);
    }
    return top.sorted().map((h) => ({ id: this.#ids[h.row]!, score: h.score }));
  }

  #grow(rows: number): void {
    if (rows * this.dim <= this.#data.length) return;
    let cap = this.#data.length / this.dim;
    while (cap < rows) cap *= 2;
    const next = new Float32Array(cap * this.dim);
    next.set(this.#data);
    this.#data = next;
  }
}
