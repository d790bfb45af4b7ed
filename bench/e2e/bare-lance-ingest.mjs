// Bare LanceDB ingest, the baseline `sift index` is measured against: read one JSON array of {title, text}
// passages, write them to a table, build LanceDB's full-text index on `text`.
// usage: node bare-lance-ingest.mjs <corpus.json> <db-dir>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// LanceDB is a dependency of @sift/retrievers; resolve it from there (the same build Sift uses).
const lancedb = await import(createRequire(new URL('../../packages/retrievers/package.json', import.meta.url)).resolve('@lancedb/lancedb'));

const [corpus, dir] = process.argv.slice(2);
const passages = JSON.parse(readFileSync(corpus, 'utf8'));
const rows = passages.map((p, i) => ({ id: String(p.id ?? i), title: p.title ?? '', text: p.text }));
const db = await lancedb.connect(dir);
const table = await db.createTable('passages', rows, { mode: 'overwrite' });
await table.createIndex('text', { config: lancedb.Index.fts() });
process.stdout.write(`${JSON.stringify({ rows: await table.countRows() })}\n`);
