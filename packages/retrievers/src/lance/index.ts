// The one LanceDB layer of this package: loading, the chunk table schema, the row reader with its text checksum.
export { openLanceDb } from './_lance.js';
export { chunkTableSchema, createChunkTable } from './tables.js';
export { CHUNK_COLUMNS, TEXT_HASH_COLUMN, chunkTextHash, rowToChunk, type RowSource } from './chunk-rows.js';
