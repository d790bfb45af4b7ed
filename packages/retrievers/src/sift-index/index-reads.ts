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
