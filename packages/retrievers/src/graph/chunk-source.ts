import type { Chunk, RunOptions } from '@sift/core';

/** Fetches chunks by id (for passages the graph adds that the first stage did not return). */
export interface ChunkSource {
  /** The chunks of `ids`, in order; undefined for an id it does not hold. */
  get(ids: readonly string[], opts?: RunOptions): Promise<Array<Chunk | undefined>>;
}

/** A ChunkSource over chunks held in memory. */
export function memoryChunkSource(chunks: readonly Chunk[]): ChunkSource {
  const byId = new Map(chunks.map((c) => [c.id, c]));
  return { get: async (ids) => ids.map((id) => byId.get(id)) };
}
