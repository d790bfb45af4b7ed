// What the index's checksums cost: chunk fetches by id with the text checksum checked (getChunks) next to the same
// LanceDB query without the checksum column or check, the sha256 of the HNSW side-index files next to loading them,
// and a full `verify()` per chunk. Seeded synthetic documents; a deterministic hash embedder (no model).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Chunk, Chunker, Document, Embedder } from '@sift/core';
import { chunkTextHash, CHUNK_COLUMNS, HnswIndex, SiftIndex } from '@sift/retrievers';
import { log, mdTable, percentile, seededRandom } from './_bench-utils.js';

const DIM = 64;
const WORDS = 'river stone light garden paper window market silver forest engine cloud harbor letter music winter bridge'.split(' ');

const embedder: Embedder = {
  id: 'bench-hash-64',
  dim: DIM,
  maxTokens: 512,
  async embed(texts) {
    return texts.map((t) => {
      const v = new Float32Array(DIM);
      const h = createHash('sha512').update(t).digest();
      for (let i = 0; i < DIM; i++) v[i] = h[i % h.length]! / 255 - 0.5;
      return v;
    });
  },
};

/** One chunk per paragraph (blank-line separated). */
const paragraphs: Chunker = {
  name: 'paragraphs',
  async *chunk(doc: Document): AsyncIterable<Chunk> {
    let n = 0;
    for (const m of doc.text.matchAll(/[^\n]+/g)) {
      yield { id: `${doc.id}#${n++}`, docId: doc.id, text: m[0], start: m.index, end: m.index + m[0].length, tokenCount: m[0].split(' ').length, metadata: {} };
    }
  },
};

function* documents(n: number, perDoc: number, seed: number): Iterable<Document> {
  const r = seededRandom(seed);
  for (let d = 0; d < n / perDoc; d++) {
    const paras = Array.from({ length: perDoc }, () => Array.from({ length: 120 }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' '));
    yield { id: `doc${d}`, text: paras.join('\n'), metadata: {} };
  }
}

async function timeMs(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

export default {
  name: 'index-verify',
  description: 'cost of chunk text checksums (getChunks k=10 with vs without), side-index file sha256 vs load, full verify() per chunk',
  async run(opts: { quick: boolean; json: boolean }) {
    const n = opts.quick ? 5_000 : 50_000;
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-bench-verify-'));
    try {
      log(`index-verify: indexing ${n} chunks (~800 characters each, ${DIM}-d vectors, HNSW)`);
      const index = await SiftIndex.create(path.join(dir, 'idx'), { embedder });
      await index.add(documents(n, 10, 7), { chunker: paragraphs, embedder });
      const table = index.lanceTable('chunks');
      const r = seededRandom(11);
      const rounds = opts.quick ? 100 : 300;
      const sets = Array.from({ length: rounds }, () => Array.from({ length: 10 }, () => `doc${Math.floor(r() * (n / 10))}#${Math.floor(r() * 10)}`));
      const plain = async (ids: string[]) =>
        table
          .query()
          .where(`\`id\` IN (${ids.map((i) => `'${i}'`).join(', ')})`)
          .select([...CHUNK_COLUMNS])
          .toArray();
      for (const ids of sets.slice(0, 10)) {
        await plain(ids);
        await index.getChunks(ids);
      }
      const checked: number[] = [];
      const unchecked: number[] = [];
      for (const ids of sets) {
        unchecked.push(await timeMs(() => plain(ids)));
        checked.push(await timeMs(() => index.getChunks(ids)));
      }
      const texts = (await index.getChunks(sets[0]!)).map((c) => c.text);
      const hashUs = (await timeMs(async () => {
        for (let i = 0; i < 1000; i++) for (const t of texts) chunkTextHash(t);
      })) / 1000 * 1000;

      const record = index.manifest.sideIndexes.hnsw!;
      const idxDir = path.join(dir, 'idx');
      const bytes = (await Promise.all(Object.keys(record.files).map(async (f) => (await import('node:fs/promises')).stat(path.join(idxDir, f))))).reduce((s, st) => s + st.size, 0);
      const shaMs: number[] = [];
      const loadMs: number[] = [];
      for (let i = 0; i < 5; i++) {
        shaMs.push(
          await timeMs(async () => {
            for (const f of Object.keys(record.files)) {
              const fh = await (await import('node:fs/promises')).readFile(path.join(idxDir, f));
              createHash('sha256').update(fh).digest('hex');
            }
          }),
        );
        loadMs.push(await timeMs(() => HnswIndex.load(idxDir, { stem: `hnsw.${record.generation}` })));
      }
      const verify = await index.verify();
      const verifyMs = await timeMs(() => index.verify());
      await index.close();
      log(`index-verify: ${(await readdir(idxDir)).join(' ')}`);
      const p50 = (xs: number[]) => percentile(xs, 50);
      const rows = [
        ['getChunks k=10, p50 (ms)', p50(unchecked).toFixed(2), p50(checked).toFixed(2), `+${(p50(checked) - p50(unchecked)).toFixed(2)} ms`],
        ['  of which sha256 of 10 texts (µs)', '', hashUs.toFixed(1), ''],
        [`HNSW side index load, ${(bytes / 1e6).toFixed(1)} MB (ms)`, p50(loadMs).toFixed(1), (p50(loadMs) + p50(shaMs)).toFixed(1), `+${p50(shaMs).toFixed(1)} ms (sha256)`],
        [`full verify(), ${n} chunks (ms)`, '', verifyMs.toFixed(0), `${((verifyMs * 1000) / n).toFixed(1)} µs/chunk`],
      ];
      const table2 = mdTable(['operation', 'without checksums', 'with checksums', 'cost'], rows);
      return { table: table2, results: { n, getChunksP50: { unchecked: p50(unchecked), checked: p50(checked) }, hashUs, hnswBytes: bytes, loadMs: p50(loadMs), shaMs: p50(shaMs), verifyMs, verifyOk: verify.ok } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
