import {
  SiftError,
  throwIfAborted,
  type Embedder,
  type Retriever,
  type RunOptions,
  type ScoredChunk,
} from '@sift/core';
import type { Table } from '@lancedb/lancedb';
import { z } from 'zod';
import { loadLance } from '../lance/_lance.js';
import { CHUNK_COLUMNS, readLance, rowToChunk, TEXT_HASH_COLUMN, type RowSource } from '../lance/chunk-rows.js';
import { LanceDenseOptionsSchema, type LanceDenseOptions, type ResolvedLanceDenseOptions } from './lance-dense-options.js';

/** Dense retrieval over a LanceDB table of chunks with a vector column (an index's `chunks` table). */
export class LanceDenseRetriever implements Retriever {
  readonly name = 'dense';
  readonly options: ResolvedLanceDenseOptions;
  /** Whether queries go through an IVF-PQ index (false: exact scan). */
  readonly indexed: boolean;

  private constructor(
    private readonly source: () => Table,
    private readonly embedder: Embedder | undefined,
    options: ResolvedLanceDenseOptions,
    indexed: boolean,
    private readonly checked: boolean,
    private readonly location: string | undefined,
  ) {
    this.options = options;
    this.indexed = indexed;
  }

  /**
   * Opens dense search on a table (or a getter, for an index whose committed table changes between queries). An
   * existing IVF index is always used; a missing one is built when the policy asks for it and `build` allows
   * (a read-only table, such as an index's committed version, cannot take one: it is then searched flat).
   * `embedder` turns query text into a vector; without one only `searchVector` works. `path` (the table's folder)
   * is named in E_INDEX_CORRUPT errors.
   */
  static async open(
    table: Table | (() => Table),
    options: LanceDenseOptions = {},
    deps: { embedder?: Embedder; build?: boolean; path?: string } = {},
  ): Promise<LanceDenseRetriever> {
    const parsed = LanceDenseOptionsSchema.safeParse(options);
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid LanceDB dense options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    const o = parsed.data;
    const source = typeof table === 'function' ? table : () => table;
    const t = source();
    const src: RowSource = { table: t.name, ...(deps.path ? { path: deps.path } : {}) };
    const checked = (await readLance(src, 'read the schema', () => t.schema())).fields.some((f) => f.name === TEXT_HASH_COLUMN);
    const existing = (await readLance(src, 'list indices', () => t.listIndices())).some((i) => i.columns.includes(o.column) && /ivf/i.test(i.indexType));
    let indexed = existing && o.index !== 'flat';
    if (!existing && o.index !== 'flat' && deps.build !== false) {
      const rows = await t.countRows();
      if (o.index === 'ivf-pq' || rows >= o.ivfPqAbove) {
        await buildIvfPq(t, o, rows);
        indexed = true;
      }
    }
    return new LanceDenseRetriever(source, deps.embedder, o, indexed, checked, deps.path);
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    // A query with no words has no meaning to embed: its vector would rank chunks arbitrarily.
    if (query.trim() === '') return [];
    if (!this.embedder) throw new SiftError('E_BAD_CONFIG', 'LanceDB dense retrieval of text needs an embedder', { details: { key: 'embedder' } });
    const [q] = await this.embedder.embed([query], opts.signal ? { signal: opts.signal } : {});
    return this.searchVector(q!, k);
  }

  /** Nearest chunks to a vector; score = 1 − LanceDB distance (cosine similarity, or the dot product for `dot`). */
  async searchVector(vector: Float32Array, k: number): Promise<ScoredChunk[]> {
    if (k <= 0) return [];
    const table = this.source();
    let q = table
      .vectorSearch(vector)
      .column(this.options.column)
      .distanceType(this.options.distance)
      .select([...CHUNK_COLUMNS, ...(this.checked ? [TEXT_HASH_COLUMN] : []), '_distance'])
      .limit(k);
    if (this.indexed) q = q.nprobes(this.options.nprobes).refineFactor(this.options.refineFactor);
    else q = q.bypassVectorIndex();
    const src: RowSource = { table: table.name, ...(this.location ? { path: this.location } : {}) };
    const rows = (await readLance(src, 'search vectors', () => q.toArray())) as Array<Record<string, unknown>>;
    return rows.map((r, i) => ({
      ...rowToChunk(r, src),
      score: 1 - Number(r['_distance']),
      explain: { denseRank: i + 1, denseBackend: this.indexed ? 'lance-ivf-pq' : 'lance-flat' },
    }));
  }
}

async function buildIvfPq(table: Table, o: ResolvedLanceDenseOptions, rows: number): Promise<void> {
  const lance = await loadLance();
  const schema = await table.schema();
  const field = schema.fields.find((f) => f.name === o.column);
  const dim = (field?.type as { listSize?: number } | undefined)?.listSize;
  if (!dim) throw new SiftError('E_BAD_CONFIG', `LanceDB table ${table.name} has no fixed-size vector column '${o.column}'`);
  const numSubVectors = o.numSubVectors ?? (dim % 16 === 0 ? dim / 16 : dim % 8 === 0 ? dim / 8 : 1);
  const numPartitions = o.numPartitions ?? Math.max(1, Math.round(Math.sqrt(rows)));
  await table.createIndex(o.column, {
    config: lance.Index.ivfPq({ distanceType: o.distance, numPartitions, numSubVectors }),
    replace: true,
  });
}

