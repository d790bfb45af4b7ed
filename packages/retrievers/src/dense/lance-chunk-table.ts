import { SiftError, type Chunk } from '@sift/core';
import type { Connection, Table } from '@lancedb/lancedb';
import type * as ArrowModule from 'apache-arrow';
import { arrowForLance } from './_lance-deps.js';
import { chunkToRow } from './_chunk-rows.js';

/** Arrow schema of a chunks table, with a FixedSizeList<Float32>[dim] `vector` column when `dim` is given. */
export function chunkTableSchema(dim?: number): ArrowModule.Schema {
  const arrow = arrowForLance();
  const fields: ArrowModule.Field[] = [
    new arrow.Field('id', new arrow.Utf8(), false),
    new arrow.Field('docId', new arrow.Utf8(), false),
    new arrow.Field('text', new arrow.Utf8(), false),
    new arrow.Field('start', new arrow.Int32(), false),
    new arrow.Field('end', new arrow.Int32(), false),
    new arrow.Field('tokenCount', new arrow.Int32(), false),
    new arrow.Field('metadata', new arrow.Utf8(), false),
  ];
  if (dim !== undefined) {
    fields.push(new arrow.Field('vector', new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)), true));
  }
  return new arrow.Schema(fields);
}

/**
 * Writes chunks (and their vectors) to a new LanceDB table, in slices so memory stays flat. Used for in-memory
 * "lance" retrieval, tests and benchmarks; an on-disk index writes its own `chunks` table.
 */
export async function createChunkTable(
  db: Connection,
  name: string,
  chunks: readonly Chunk[],
  vectors?: readonly Float32Array[],
  opts: { sliceRows?: number } = {},
): Promise<Table> {
  if (vectors && vectors.length !== chunks.length) {
    throw new SiftError('E_BAD_INPUT', `${name}: ${chunks.length} chunks but ${vectors.length} vectors`);
  }
  const dim = vectors?.[0]?.length;
  const schema = chunkTableSchema(dim);
  const table = await db.createEmptyTable(name, schema, { mode: 'create' });
  const slice = opts.sliceRows ?? 10_000;
  for (let i = 0; i < chunks.length; i += slice) {
    const rows = chunks.slice(i, i + slice).map((c, j) => chunkToRow(c, vectors?.[i + j]));
    await table.add(rows as unknown as Array<Record<string, unknown>>);
  }
  return table;
}
