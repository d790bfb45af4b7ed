import { join } from 'node:path';
import { SiftError, type Document, type Embedder } from '@sift/core';
import type { z } from 'zod';
import { Bm25Index } from '../bm25/bm25-index.js';
import { lanceVersion } from '../lance/_lance.js';
import { crashPoint } from './_crash-point.js';
import { commitIndexFiles, removeUncommittedFiles } from './commit-files.js';
import { checkChunker, checkEmbedder, loadBm25 } from './index-checks.js';
import type { IndexLock } from './index-lock.js';
import { syncWithDisk, type OpenState } from './index-state.js';
import { ensureIdIndex, IndexWriter, type TablesState } from './index-writer.js';
import { BM25_FILE, LANCE_DIR, type ChunkerInfo, type EmbedderInfo, type Manifest, type SideIndexRecord } from './manifest.js';
import { isSideIndexFresh, type CommittedChunks, type SideIndexBuilder } from './side-index.js';
import { fileSha256 } from './side-index-files.js';
import { sideIndexKind } from './side-index-registry.js';
import type { AddOptionsSchema, AddResult } from './sift-index-options.js';

/** What `SiftIndex` lends an add. */
export interface AddContext {
  dir: string;
  st: OpenState;
  lock: IndexLock;
  /** The index's own embedder (re-created from the manifest), for adds that pass none. */
  ownEmbedder: () => Promise<Embedder>;
  /** Side indexes asked for at create time and not yet built. */
  pendingSideIndexes: Record<string, Record<string, unknown> | false>;
  committedChunks: CommittedChunks;
  warn: (message: string) => void;
}

interface PlannedSideIndex {
  name: string;
  options: Record<string, unknown>;
  builder: SideIndexBuilder;
}

/**
 * One add under the writer lock: rows into new LanceDB versions, every side index fed batch by batch and written as
 * this generation's files, then the manifest commit that switches to all of it at once. On any error the tables
 * go back to the committed versions and this generation's side-index files are removed.
 */
export async function runAdd(
  ctx: AddContext,
  docs: AsyncIterable<Document> | Iterable<Document>,
  opts: z.output<typeof AddOptionsSchema>,
  removeDocIds: readonly string[] = [],
): Promise<AddResult> {
  const { dir, st } = ctx;
  await syncWithDisk(dir, st);
  const base = st.manifest;
  await removeUncommittedFiles(dir, base);
  const embedder = opts.embedder ?? (base.embedder ? await ctx.ownEmbedder() : undefined);
  const chunkerConfig = opts.chunkerConfig ?? (opts.chunker as { config?: Record<string, unknown> }).config;
  const chunker = checkChunker(dir, base, opts.chunker.name, chunkerConfig);
  const embedderInfo = checkEmbedder(dir, base, embedder);
  const generation = base.generation + 1;
  const bm25 = await loadBm25(dir, base);
  const rebuilt: string[] = [];
  let writer: IndexWriter | undefined;
  let commitStarted = false;
  try {
    const sides = await beginSideIndexes(ctx, base, opts.sideIndexes, embedder, embedderInfo, rebuilt, opts.signal);
    writer = await IndexWriter.begin(st.db, base, bm25, {
      dir,
      chunker: opts.chunker,
      embedder,
      embedderInfo,
      sideIndexes: sides.map((s) => s.builder),
      batchSize: opts.batchSize,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    if (removeDocIds.length > 0) await writer.removeDocuments(removeDocIds);
    // The BM25 snapshot is encoded while LanceDB still writes (in its own threads): once BM25 holds every row, during
    // the wait for the previous batch's writes, or else here, while the last batch's writes run.
    let bm25Bytes: Uint8Array | undefined;
    await writer.writeAll(docs, () => {
      bm25Bytes = bm25.toBytes(generation);
    });
    const counts = { ...writer.counts, rebuiltSideIndexes: rebuilt };
    const newSides = sides.some((s) => !(s.name in base.sideIndexes));
    if (!writer.changed && rebuilt.length === 0 && !newSides && chunker === base.chunker) {
      await writer.state(); // no rows were written, but a failed write must still fail the add
      return { ...counts, generation: base.generation, committed: false };
    }
    bm25Bytes ??= bm25.toBytes(generation);
    await writer.ensureIdIndex();
    const written = await writer.state();
    const records: Record<string, SideIndexRecord> = {};
    for (const s of sides) {
      crashPoint(`write side index ${s.name}`);
      const files: Record<string, string> = {};
      for (const file of await s.builder.write(dir, generation)) files[file] = await fileSha256(join(dir, file), { sync: true });
      records[s.name] = { generation, chunks: written.counts.chunks, options: s.options, files };
    }
    await ctx.lock.check();
    const manifest = nextManifest(base, written, bm25, chunker, embedderInfo, records, writer.chunksChanged);
    // From the first rename on, a failed commit may already be one that `recoverCommit` rolls forward (bm25.bin new,
    // manifest.json.next complete): its table versions and side-index files must then stay.
    commitStarted = true;
    await commit(dir, st, manifest, bm25Bytes, written);
    await removeUncommittedFiles(dir, manifest).catch((err: unknown) => ctx.warn(`could not remove old side-index files in ${dir}: ${(err as Error).message}`));
    return { ...counts, generation: manifest.generation, committed: true };
  } catch (err) {
    if (!commitStarted) {
      await writer?.rollback().catch(() => undefined);
      await removeUncommittedFiles(dir, base).catch(() => undefined);
    }
    throw err;
  } finally {
    writer?.close();
  }
}

/** Every side index the index keeps, plus those asked for now; each continues its committed files or is rebuilt. */
async function beginSideIndexes(
  ctx: AddContext,
  base: Manifest,
  asked: Record<string, Record<string, unknown> | false>,
  embedder: Embedder | undefined,
  embedderInfo: EmbedderInfo | null,
  rebuilt: string[],
  signal: AbortSignal | undefined,
): Promise<PlannedSideIndex[]> {
  const wanted = new Map<string, Record<string, unknown> | undefined>();
  for (const name of Object.keys(base.sideIndexes)) wanted.set(name, undefined);
  const extra = { ...ctx.pendingSideIndexes, ...asked };
  if (embedderInfo && !('hnsw' in extra) && !('hnsw' in base.sideIndexes) && base.counts.chunks === 0) extra.hnsw = {};
  for (const [name, options] of Object.entries(extra)) {
    if (options === false) {
      if (name in base.sideIndexes) {
        throw new SiftError('E_BAD_CONFIG', `Index ${ctx.dir} keeps a ${name} side index; it cannot be turned off by one add (rebuild the index without it)`, {
          details: { key: name },
        });
      }
      continue;
    }
    if (!wanted.has(name)) wanted.set(name, options);
  }
  const out: PlannedSideIndex[] = [];
  for (const [name, given] of wanted) {
    const kind = sideIndexKind(name);
    const record = base.sideIndexes[name];
    const options = record ? record.options : kind.parseOptions(given ?? {});
    if (kind.needsVectors && !embedderInfo) {
      throw new SiftError('E_BAD_CONFIG', `The ${name} side index needs vectors: give index ${ctx.dir} an embedder`, { details: { key: 'embedder' } });
    }
    const fresh = record !== undefined && isSideIndexFresh(base, record) ? record : undefined;
    const begin = (committed: SideIndexRecord | undefined) =>
      kind.begin({ dir: ctx.dir, committed, options, embedder, committedChunks: ctx.committedChunks, ...(signal ? { signal } : {}) });
    let builder: SideIndexBuilder;
    if (record && !fresh) {
      ctx.warn(`the ${name} side index of ${ctx.dir} does not cover the committed chunks (stale); rebuilding it from the committed tables`);
      rebuilt.push(name);
      builder = await begin(undefined);
    } else {
      try {
        builder = await begin(fresh);
      } catch (err) {
        if (!(SiftError.isInstance(err) && err.code === 'E_INDEX_CORRUPT') || !fresh) throw err;
        ctx.warn(`${err.message.replace(/; re-run an add to rebuild it$/, '')}; rebuilding it from the committed tables`);
        rebuilt.push(name);
        builder = await begin(undefined);
      }
    }
    out.push({ name, options, builder });
  }
  return out;
}

function nextManifest(
  base: Manifest,
  written: TablesState,
  bm25: Bm25Index,
  chunker: ChunkerInfo,
  embedder: EmbedderInfo | null,
  sideIndexes: Record<string, SideIndexRecord>,
  chunksChanged: boolean,
): Manifest {
  const generation = base.generation + 1;
  if (written.counts.chunks !== bm25.size) {
    throw new SiftError('E_RUNTIME', `${written.counts.chunks} chunk rows but ${bm25.size} BM25 rows; not committing`);
  }
  return {
    ...base,
    generation,
    contentGeneration: chunksChanged ? generation : base.contentGeneration,
    updatedAt: new Date().toISOString(),
    chunker,
    embedder,
    counts: written.counts,
    bm25: { ...base.bm25, generation },
    lance: { library: lanceVersion(), dir: LANCE_DIR, tables: written.versions },
    sideIndexes,
  };
}

/** Writes bm25.bin (`bytes`: the BM25 snapshot of `manifest.generation`) + manifest, then moves the read handles to its table versions. */
export async function commit(dir: string, st: OpenState, manifest: Manifest, bytes: Uint8Array, written: TablesState): Promise<void> {
  await commitIndexFiles(dir, bytes, manifest);
  st.manifest = manifest;
  st.bm25 = Bm25Index.fromBytes(bytes, join(dir, BM25_FILE));
  await st.documents.checkout(written.versions.documents);
  await st.chunks.checkout(written.versions.chunks);
}

/** Compacts the tables and drops old LanceDB versions, then commits (side indexes stay as they are: same chunks). */
export async function runOptimize(dir: string, st: OpenState, tables: { documents: import('../lance/_lance.js').Table; chunks: import('../lance/_lance.js').Table }, state: () => Promise<TablesState>): Promise<void> {
  await tables.documents.optimize({ cleanupOlderThan: new Date() });
  await tables.chunks.optimize({ cleanupOlderThan: new Date() });
  await ensureIdIndex(tables.chunks);
  const written = await state();
  const base = st.manifest;
  const manifest: Manifest = {
    ...base,
    generation: base.generation + 1,
    updatedAt: new Date().toISOString(),
    counts: written.counts,
    bm25: { ...base.bm25, generation: base.generation + 1 },
    lance: { library: lanceVersion(), dir: LANCE_DIR, tables: written.versions },
  };
  await commit(dir, st, manifest, st.bm25.toBytes(manifest.generation), written);
}
