// Bare LanceDB query, the baseline `sift query` is measured against: open the table the bare ingest wrote and run
// its full-text search for the top k.
// usage: node bare-lance-query.mjs <db-dir> "<query>" [k]
import { createRequire } from 'node:module';

// LanceDB is a dependency of @sift/retrievers; resolve it from there (the same build Sift uses).
const lancedb = await import(createRequire(new URL('../../packages/retrievers/package.json', import.meta.url)).resolve('@lancedb/lancedb'));

const [dir, query, k = '10'] = process.argv.slice(2);
const db = await lancedb.connect(dir);
const table = await db.openTable('passages');
const hits = await table.search(query, 'fts').select(['id', 'title', 'text', '_score']).limit(Number(k)).toArray();
process.stdout.write(`${JSON.stringify(hits.map((h) => ({ id: h.id, score: h._score, text: h.text })))}\n`);
