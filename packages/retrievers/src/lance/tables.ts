import type { Chunk } from '@sift/core';
import type * as A from 'apache-arrow';
import { arrow } from './_arrow.js';

export const DOCUMENTS_TABLE = 'documents';
export const CHUNKS_TABLE = 'chunks';
export const VECTOR_COLUMN = 'vector';
/** Chunk columns returned to callers (everything but the vector). */
export const CHUNK_COLUMNS = ['id', 'docId', 'text', 'start', 'end', 'tokenCount', 'metadata'] as const;

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
  const { Field, Schema, Utf8, Int32 } = arrow;
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
  const { Field, FixedSizeList, Float32 } = arrow;
  return new Field(VECTOR_COLUMN, new FixedSizeList(dim, new Field('item', new Float32(), true)), true);
}

export function chunksSchema(dim?: number): A.Schema {
  const { Field, Schema, Utf8, Int32 } = arrow;
  const fields = [
    new Field('id', new Utf8(), false),
    new Field('docId', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field('start', new Int32(), false),
    new Field('end', new Int32(), false),
    new Field('tokenCount', new Int32(), false),
    new Field('metadata', new Utf8(), false),
  ];
  if (dim !== undefined) fields.push(vectorField(dim));
  return new Schema(fields);
}

const utf8 = (values: (string | null)[]): A.Vector => arrow.vectorFromArray(values, new arrow.Utf8());
const int32 = (values: number[]): A.Vector => arrow.makeVector(Int32Array.from(values));

export function documentsTable(schema: A.Schema, rows: readonly DocumentRow[]): A.Table {
  return new arrow.Table(schema, {
    id: utf8(rows.map((r) => r.id)),
    source: utf8(rows.map((r) => r.source)),
    text: utf8(rows.map((r) => r.text)),
    metadata: utf8(rows.map((r) => r.metadata)),
    bytes: int32(rows.map((r) => r.bytes)),
    sha256: utf8(rows.map((r) => r.sha256)),
  } as never);
}

/** Arrow rows for `chunks`; `vectors` must be given exactly when the schema has a vector column. */
export function chunksTable(schema: A.Schema, chunks: readonly Chunk[], metadata: readonly string[], vectors?: readonly Float32Array[]): A.Table {
  const cols: Record<string, A.Vector> = {
    id: utf8(chunks.map((c) => c.id)),
    docId: utf8(chunks.map((c) => c.docId)),
    text: utf8(chunks.map((c) => c.text)),
    start: int32(chunks.map((c) => c.start)),
    end: int32(chunks.map((c) => c.end)),
    tokenCount: int32(chunks.map((c) => c.tokenCount)),
    metadata: utf8([...metadata]),
  };
  const field = schema.fields.find((f) => f.name === VECTOR_COLUMN);
  if (field) {
    const type = field.type as A.FixedSizeList<A.Float32>;
    const dim = type.listSize;
    const flat = new Float32Array(chunks.length * dim);
    vectors!.forEach((v, i) => flat.set(v, i * dim));
    const child = arrow.makeData({ type: new arrow.Float32(), length: flat.length, data: flat });
    cols[VECTOR_COLUMN] = arrow.makeVector(arrow.makeData({ type, length: chunks.length, nullCount: 0, child }));
  }
  return new arrow.Table(schema, cols as never);
}

/** A `chunks` row as LanceDB returns it, back to a Chunk. */
export function chunkFromRow(row: Record<string, unknown>): Chunk {
  return {
    id: String(row.id),
    docId: String(row.docId),
    text: String(row.text),
    start: Number(row.start),
    end: Number(row.end),
    tokenCount: Number(row.tokenCount),
    metadata: JSON.parse(String(row.metadata)) as Record<string, unknown>,
  };
}
