import { SiftError, throwIfAborted, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import type { Table } from '@lancedb/lancedb';
import { z } from 'zod';
import { loadLance } from '../lance/_lance.js';
import { CHUNK_COLUMNS, readLance, rowToChunk, TEXT_HASH_COLUMN, type RowSource } from '../lance/chunk-rows.js';

/** LanceDB's own full-text index (BM25 over its tokenizer): an alternative lexical leg for hybrid search. */
export const LanceFtsOptionsSchema = z
  .object({
    column: z.string().min(1).default('text'),
    stem: z.boolean().default(true),
    removeStopWords: z.boolean().default(true),
    lowercase: z.boolean().default(true),
    asciiFolding: z.boolean().default(true),
    language: z.string().default('English'),
  })
  .strict();
export type LanceFtsOptions = z.input<typeof LanceFtsOptionsSchema>;

export class LanceFtsRetriever implements Retriever {
  readonly name = 'fts';

  private constructor(
    private readonly source: () => Table,
    private readonly column: string,
    private readonly checked: boolean,
    private readonly location: string | undefined,
  ) {}

  /**
   * Opens full-text search on `column` of a table (or a getter, for an index whose committed table changes), building
   * the FTS index when the column has none and `build` allows; otherwise a missing index is E_INDEX_MISSING.
   */
  static async open(table: Table | (() => Table), options: LanceFtsOptions = {}, deps: { build?: boolean; path?: string } = {}): Promise<LanceFtsRetriever> {
    const parsed = LanceFtsOptionsSchema.safeParse(options);
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid LanceDB FTS options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    const o = parsed.data;
    const source = typeof table === 'function' ? table : () => table;
    const t = source();
    const src: RowSource = { table: t.name, ...(deps.path ? { path: deps.path } : {}) };
    const checked = (await readLance(src, 'read the schema', () => t.schema())).fields.some((f) => f.name === TEXT_HASH_COLUMN);
    const has = (await readLance(src, 'list indices', () => t.listIndices())).some((i) => i.indexType === 'FTS' && i.columns.includes(o.column));
    if (!has && deps.build === false) {
      throw new SiftError('E_INDEX_MISSING', `LanceDB table ${t.name} has no full-text index on '${o.column}'`, { details: { column: o.column } });
    }
    if (!has) {
      const lance = await loadLance();
      await t.createIndex(o.column, {
        config: lance.Index.fts({
          stem: o.stem,
          removeStopWords: o.removeStopWords,
          lowercase: o.lowercase,
          asciiFolding: o.asciiFolding,
          language: o.language,
        }),
      });
    }
    return new LanceFtsRetriever(source, o.column, checked, deps.path);
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    if (k <= 0 || query.trim() === '') return [];
    const table = this.source();
    const src: RowSource = { table: table.name, ...(this.location ? { path: this.location } : {}) };
    const rows = (await readLance(src, 'run a full-text search', () =>
      table
        .query()
        .fullTextSearch(query, { columns: this.column })
        .select([...CHUNK_COLUMNS, ...(this.checked ? [TEXT_HASH_COLUMN] : []), '_score'])
        .limit(k)
        .toArray(),
    )) as Array<Record<string, unknown>>;
    return rows.map((r, i) => ({
      ...rowToChunk(r, src),
      score: Number(r['_score']),
      explain: { ftsRank: i + 1 },
    }));
  }
}
