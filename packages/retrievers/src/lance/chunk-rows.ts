import { SiftError, type Chunk } from '@sift/core';

/** Chunk columns in a LanceDB table; `metadata` is stored as a JSON string. */
export const CHUNK_COLUMNS = ['id', 'docId', 'text', 'start', 'end', 'tokenCount', 'metadata'] as const;

export interface ChunkRow {
  id: string;
  docId: string;
  text: string;
  start: number;
  end: number;
  tokenCount: number;
  metadata: string;
  vector?: number[];
}

export function chunkToRow(c: Chunk, vector?: Float32Array): ChunkRow {
  return {
    id: c.id,
    docId: c.docId,
    text: c.text,
    start: c.start,
    end: c.end,
    tokenCount: c.tokenCount,
    metadata: JSON.stringify(c.metadata ?? {}),
    ...(vector ? { vector: Array.from(vector) } : {}),
  };
}

/** Reads a chunk back from a result row (numbers may arrive as bigint; metadata as JSON text or an object). */
export function rowToChunk(row: Record<string, unknown>, table: string): Chunk {
  const num = (k: string): number => {
    const v = row[k];
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw new SiftError('E_INDEX_CORRUPT', `LanceDB table ${table}: column '${k}' is missing or not a number`, { details: { table, column: k } });
  };
  const str = (k: string): string => {
    const v = row[k];
    if (typeof v !== 'string') {
      throw new SiftError('E_INDEX_CORRUPT', `LanceDB table ${table}: column '${k}' is missing or not text`, { details: { table, column: k } });
    }
    return v;
  };
  const m = row['metadata'];
  let metadata: Record<string, unknown> = {};
  if (typeof m === 'string' && m.length > 0) metadata = JSON.parse(m) as Record<string, unknown>;
  else if (m && typeof m === 'object') metadata = { ...(m as Record<string, unknown>) };
  return { id: str('id'), docId: str('docId'), text: str('text'), start: num('start'), end: num('end'), tokenCount: num('tokenCount'), metadata };
}
