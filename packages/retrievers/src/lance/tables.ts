import { SiftError, type Chunk } from '@sift/core';
import type * as A from 'apache-arrow';
import { arrow, type Connection, type Table } from './_lance.js';
import { chunkTextHash, TEXT_HASH_COLUMN } from './chunk-rows.js';

export const DOCUMENTS_TABLE = 'documents';
export const CHUNKS_TABLE = 'chunks';
export const VECTOR_COLUMN = 'vector';

/** A row of the `documents` table. `metadata` is JSON text so any shape survives without schema changes. */
export interface DocumentRow {
  id: string;
  source: string | null;
  text: string;
  metadata: string;
  bytes: number;
  sha256: string;
}

export function documentsSchema(): A.Schema {
  const { Field, Schema, Utf8, Int32 } = arrow();
  return new Schema([
    new Field('id', new Utf8(), false),
    new Field('source', new Utf8(), true),
    new Field('text', new Utf8(), false),
    new Field('metadata', new Utf8(), false),
    new Field('bytes', new Int32(), false),
    new Field('sha256', new Utf8(), false),
  ]);
}

export function vectorField(dim: number): A.Field {
  const { Field, FixedSizeList, Float32 } = arrow();
  return new Field(VECTOR_COLUMN, new FixedSizeList(dim, new Field('item', new Float32(), true)), true);
}

/**
 * The one Arrow schema of a chunks table (an index's `chunks`, and in-memory LanceDB retrieval): chunk fields,
 * `metadata` as JSON text, the text checksum, and a FixedSizeList<Float32>[dim] `vector` column when `dim` is given.
 */
export function chunkTableSchema(dim?: number): A.Schema {
  const { Field, Schema, Utf8, Int32 } = arrow();
  const fields = [
    new Field('id', new Utf8(), false),
    new Field('docId', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field('start', new Int32(), false),
    new Field('end', new Int32(), false),
    new Field('tokenCount', new Int32(), false),
    new Field('metadata', new Utf8(), false),
    new Field(TEXT_HASH_COLUMN, new Utf8(), true),
  ];
  if (dim !== undefined) fields.push(vectorField(dim));
  return new Schema(fields);
}

/**
 * A Utf8 vector built straight from its buffers: the values encoded one after another into one buffer of their exact
 * size, with their offsets (and a validity bitmap when some are null). Arrow's `vectorFromArray` builder grows its
 * buffers value by value, which was most of the Arrow cost of an add.
 */
function utf8(values: readonly (string | null)[]): A.Vector {
  const ar = arrow();
  const n = values.length;
  let bytes = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls++;
    else bytes += Buffer.byteLength(v, 'utf8');
  }
  const data = Buffer.allocUnsafe(bytes);
  const valueOffsets = new Int32Array(n + 1);
  const nullBitmap = nulls > 0 ? new Uint8Array((n + 7) >> 3) : undefined;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      at += data.write(v, at, 'utf8');
      if (nullBitmap) nullBitmap[i >> 3]! |= 1 << (i & 7);
    }
    valueOffsets[i + 1] = at;
  }
  const bytesView = new Uint8Array(data.buffer, data.byteOffset, at);
  return ar.makeVector(ar.makeData({ type: new ar.Utf8(), length: n, nullCount: nulls, ...(nullBitmap ? { nullBitmap } : {}), valueOffsets, data: bytesView }));
}
const int32 = (values: number[]): A.Vector => arrow().makeVector(Int32Array.from(values));

export function documentsArrow(schema: A.Schema, rows: readonly DocumentRow[]): A.Table {
  return new (arrow().Table)(schema, {
    id: utf8(rows.map((r) => r.id)),
    source: utf8(rows.map((r) => r.source)),
    text: utf8(rows.map((r) => r.text)),
    metadata: utf8(rows.map((r) => r.metadata)),
    bytes: int32(rows.map((r) => r.bytes)),
    sha256: utf8(rows.map((r) => r.sha256)),
  } as never);
}

/**
 * Arrow rows for a chunks table of `schema` (columns the schema lacks, such as the checksum of an older index, are
 * left out); `vectors` must be given exactly when the schema has a vector column. `metadata` defaults to the chunks'.
 * `textHashes`: checksums already known (`chunkTextHash` of the chunk's text), undefined where not.
 */
export function chunksArrow(
  schema: A.Schema,
  chunks: readonly Chunk[],
  vectors?: readonly Float32Array[],
  metadata?: readonly string[],
  textHashes?: ReadonlyArray<string | undefined>,
): A.Table {
  const ar = arrow();
  const has = (name: string): boolean => schema.fields.some((f) => f.name === name);
  const cols: Record<string, A.Vector> = {
    id: utf8(chunks.map((c) => c.id)),
    docId: utf8(chunks.map((c) => c.docId)),
    text: utf8(chunks.map((c) => c.text)),
    start: int32(chunks.map((c) => c.start)),
    end: int32(chunks.map((c) => c.end)),
    tokenCount: int32(chunks.map((c) => c.tokenCount)),
    metadata: utf8(metadata ? [...metadata] : chunks.map((c) => JSON.stringify(c.metadata ?? {}))),
  };
  if (has(TEXT_HASH_COLUMN)) cols[TEXT_HASH_COLUMN] = utf8(chunks.map((c, i) => textHashes?.[i] ?? chunkTextHash(c.text)));
  const field = schema.fields.find((f) => f.name === VECTOR_COLUMN);
  if (field) {
    const type = field.type as A.FixedSizeList<A.Float32>;
    const dim = type.listSize;
    if (!vectors || vectors.length !== chunks.length) {
      throw new SiftError('E_BAD_INPUT', `${chunks.length} chunks but ${vectors?.length ?? 0} vectors for a table with a vector column`);
    }
    const flat = new Float32Array(chunks.length * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    const child = ar.makeData({ type: new ar.Float32(), length: flat.length, data: flat });
    cols[VECTOR_COLUMN] = ar.makeVector(ar.makeData({ type, length: chunks.length, nullCount: 0, child }));
  }
  return new ar.Table(schema, cols as never);
}

/**
 * Writes chunks (and their vectors) to a new LanceDB table, in slices so memory stays flat. Used for in-memory
 * "lance" retrieval, tests and benchmarks; an on-disk index writes its `chunks` table through the same schema.
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
  const schema = chunkTableSchema(vectors?.[0]?.length);
  const table = await db.createEmptyTable(name, schema, { mode: 'create' });
  const slice = opts.sliceRows ?? 10_000;
  for (let i = 0; i < chunks.length; i += slice) {
    await table.add(chunksArrow(schema, chunks.slice(i, i + slice), vectors?.slice(i, i + slice)));
  }
  return table;
}
