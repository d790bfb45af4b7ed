import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { HnswIndex } from '../dense/hnsw-index.js';
import { HNSW_SIDE_INDEX, hnswStem } from '../dense/hnsw-side-index.js';
import { readGraphFile } from '../graph/graph-file.js';
import { GRAPH_SIDE_INDEX } from '../graph/graph-side-index.js';
import { readLance } from '../lance/chunk-rows.js';
import { DOCUMENTS_TABLE } from '../lance/tables.js';
import type { OpenState } from './index-state.js';
import { LANCE_DIR } from './manifest.js';
import { isSideIndexFresh } from './side-index.js';
import { verifiedSideIndexFiles } from './side-index-files.js';
import type { SiftIndex } from './sift-index.js';

/** What `SiftIndex.verify()` found. `ok` is false when any problem was found; stale side indexes are notes, not problems. */
export interface VerifyReport {
  ok: boolean;
  documents: number;
  chunks: number;
  /** Per side index: `ok`, `stale` (the next add rebuilds it), or `damaged`. */
  sideIndexes: Record<string, 'ok' | 'stale' | 'damaged'>;
  /** One line per problem, naming the table or file. */
  problems: string[];
  /** Wall time of the check in milliseconds. */
  ms: number;
}

/**
 * A full check of the committed index: every document's text against its sha256, every chunk's text against its
 * checksum (and present in BM25), row counts against the manifest, every side-index file against its sha256 and
 * then loaded. Reads everything once; LanceDB failures are reported as problems naming the table.
 */
export async function verifyIndex(index: SiftIndex, st: OpenState): Promise<VerifyReport> {
  const t0 = performance.now();
  const problems: string[] = [];
  const note = (err: unknown): void => void problems.push(SiftError.isInstance(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err));
  const m = st.manifest;
  let documents = 0;
  const docSrc = { table: DOCUMENTS_TABLE, path: join(index.dir, LANCE_DIR, `${DOCUMENTS_TABLE}.lance`) };
  try {
    const batches = await readLance(docSrc, 'scan documents', async () => st.documents.query().select(['id', 'text', 'sha256']));
    const it = batches[Symbol.asyncIterator]();
    for (;;) {
      const next = await readLance(docSrc, 'scan documents', () => it.next());
      if (next.done) break;
      const b = next.value;
      const ids = b.getChild('id')!;
      const texts = b.getChild('text')!;
      const shas = b.getChild('sha256')!;
      for (let i = 0; i < b.numRows; i++, documents++) {
        if (createHash('sha256').update(String(texts.get(i))).digest('hex') !== String(shas.get(i))) {
          problems.push(`E_INDEX_CORRUPT: LanceDB table "documents" (${docSrc.path}): the text of document "${String(ids.get(i))}" does not match its sha256`);
        }
      }
    }
    if (documents !== m.counts.documents) problems.push(`E_INDEX_CORRUPT: ${docSrc.path} holds ${documents} documents; the manifest says ${m.counts.documents}`);
  } catch (err) {
    note(err);
  }
  let chunks = 0;
  try {
    for await (const batch of index.committedChunks({ vectors: false })) {
      for (const c of batch.chunks) {
        chunks++;
        if (!st.bm25.has(c.id)) problems.push(`E_INDEX_CORRUPT: chunk "${c.id}" is in LanceDB but not in bm25.bin`);
      }
    }
    if (chunks !== m.counts.chunks) problems.push(`E_INDEX_CORRUPT: the chunks table holds ${chunks} chunks; the manifest says ${m.counts.chunks}`);
  } catch (err) {
    note(err);
  }
  const sideIndexes: VerifyReport['sideIndexes'] = {};
  for (const [name, record] of Object.entries(m.sideIndexes)) {
    if (!isSideIndexFresh(m, record)) {
      sideIndexes[name] = 'stale';
      continue;
    }
    try {
      const paths = await verifiedSideIndexFiles(index.dir, name, record);
      if (name === HNSW_SIDE_INDEX && Object.keys(paths).length > 0) {
        const graph = await HnswIndex.load(index.dir, { stem: hnswStem(record.generation) });
        if (graph.size !== record.chunks) throw new SiftError('E_INDEX_CORRUPT', `${name}: the HNSW graph holds ${graph.size} vectors; the manifest says ${record.chunks}`);
      } else if (name === GRAPH_SIDE_INDEX) {
        for (const path of Object.values(paths)) await readGraphFile(path);
      }
      sideIndexes[name] = 'ok';
    } catch (err) {
      sideIndexes[name] = 'damaged';
      note(err);
    }
  }
  return { ok: problems.length === 0, documents, chunks, sideIndexes, problems, ms: performance.now() - t0 };
}
