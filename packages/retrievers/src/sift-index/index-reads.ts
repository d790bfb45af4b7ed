import type { Chunk } from '@sift/core';
import { sqlIn } from '../lance/_lance.js';
import { CHUNK_COLUMNS, CHUNK_COLUMNS_CHECKED, readLance, rowToChunk, type RowSource } from '../lance/chunk-rows.js';
import { VECTOR_COLUMN } from '../lance/tables.js';
import type { OpenState } from './index-state.js';

const IN_LIST = 512;

/** The committed chunks with these ids, in the order asked; unknown ids are left out. Checksums are checked. */
export async function readChunksById(st: OpenState, src: RowSource, ids: readonly string[]): Promise<Chunk[]> {
  const unique = [...new Set(ids)];
  const found = new Map<string, Chunk>();
  for (let i = 0; i < unique.length; i += IN_LIST) {
    const rows = await readLance(src, 'read chunks', () =>
      st.chunks
        .query()
        .where(sqlIn('id', unique.slice(i, i + IN_LIST)))
        .select([...(st.checked ? CHUNK_COLUMNS_CHECKED : CHUNK_COLUMNS)])
        .toArray(),
    );
    for (const row of rows as Record<string, unknown>[]) {
      const c = rowToChunk(row, src);
      found.set(c.id, c);
    }
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/**
 * The committed chunks at these positions of the chunks table, which must hold `ids` (same order). BM25 numbers its rows
 * as the chunks table orders them (an add appends to both; a removal drops rows from both, and LanceDB's offsets skip
 * deleted rows; compaction keeps the order), so a BM25 hit's row is its chunk's offset, and reading by offset spares a
 * fresh process loading the `id` index first (a cold `sift query` at 61k chunks: ~50 → ~38 ms for its 10 rows). Any row
 * that does not hold its id (a commit landed in between, or a table ordered otherwise) sends the whole read by id.
 */
export async function readChunksAtRows(st: OpenState, src: RowSource, rows: readonly number[], ids: readonly string[]): Promise<Chunk[]> {
  const found = await readLance(src, 'read chunks', () =>
    st.chunks
      .takeOffsets([...rows])
      .select([...(st.checked ? CHUNK_COLUMNS_CHECKED : CHUNK_COLUMNS)])
      .toArray(),
  );
  const byId = new Map<string, Record<string, unknown>>();
  for (const row of found as Record<string, unknown>[]) byId.set(String(row['id']), row);
  if (ids.some((id) => !byId.has(id))) return readChunksById(st, src, ids);
  return ids.map((id) => rowToChunk(byId.get(id)!, src));
}

/** Every committed chunk in table order (checksums checked), in batches, with vectors when asked and stored. */
export async function* scanChunks(st: OpenState, src: RowSource, vectors: boolean): AsyncIterable<{ chunks: Chunk[]; vectors?: Float32Array[] }> {
  const withVectors = vectors && st.manifest.embedder !== null;
  const cols = [...(st.checked ? CHUNK_COLUMNS_CHECKED : CHUNK_COLUMNS), ...(withVectors ? [VECTOR_COLUMN] : [])];
  const batches = await readLance(src, 'scan chunks', async () => st.chunks.query().select(cols));
  const it = batches[Symbol.asyncIterator]();
  for (;;) {
    const next = await readLance(src, 'scan chunks', () => it.next());
    if (next.done) return;
    const batch = next.value;
    const chunks = (batch.toArray() as Array<Record<string, unknown>>).map((r) => rowToChunk(r, src));
    if (!withVectors) {
      yield { chunks };
      continue;
    }
    const col = batch.getChild(VECTOR_COLUMN);
    yield { chunks, vectors: chunks.map((_, i) => Float32Array.from((col?.get(i) as { toArray(): Float32Array }).toArray())) };
  }
}
