import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { fsyncDir, writeDurable } from '../atomic-write.js';
import { bm25HeaderLength, decodeBm25Header } from '../bm25/bm25-format.js';
import { crashPoint } from './_crash-point.js';
import { isSideIndexFile } from './index-dir.js';
import { BM25_FILE, MANIFEST_FILE, parseManifest, type Manifest } from './manifest.js';

const NEXT = '.next';

/**
 * Commits `bm25.bin` and `manifest.json` together. Both new versions are first written in full and fsynced
 * as `*.next`; then bm25.bin is renamed into place and the manifest last. A crash between the two renames
 * leaves a new bm25.bin beside the old manifest and a complete `manifest.json.next`, which `recoverCommit`
 * rolls forward (its LanceDB versions and side-index files were written before either file). A crash earlier
 * leaves the old pair. Side-index files are new names the manifest switches to, so they need no rename.
 */
export async function commitIndexFiles(dir: string, bm25Bytes: Uint8Array, manifest: Manifest): Promise<void> {
  const bm25Path = join(dir, BM25_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
  crashPoint(`write ${BM25_FILE}${NEXT}`);
  await writeDurable(bm25Path + NEXT, bm25Bytes);
  crashPoint(`write ${MANIFEST_FILE}${NEXT}`);
  await writeDurable(manifestPath + NEXT, `${JSON.stringify(manifest, null, 2)}\n`);
  crashPoint(`rename ${BM25_FILE}`);
  await rename(bm25Path + NEXT, bm25Path);
  crashPoint(`rename ${MANIFEST_FILE}`);
  try {
    await rename(manifestPath + NEXT, manifestPath);
  } catch (err) {
    // A reader opening the index between our two renames finishes the commit for us (recoverCommit): fine if so.
    const done = (err as NodeJS.ErrnoException).code === 'ENOENT' && (await readFile(manifestPath, 'utf8').catch(() => '')).includes(`"generation": ${manifest.generation},`);
    if (!done) throw err;
  }
  await fsyncDir(dir);
}

/**
 * Removes what no commit needs (call under the writer lock): `*.next` files of a commit that died before its first
 * rename, and side-index files that `manifest` does not name (older generations, and those of adds that never
 * committed).
 */
export async function removeUncommittedFiles(dir: string, manifest: Manifest): Promise<void> {
  const keep = new Set(Object.values(manifest.sideIndexes).flatMap((r) => Object.keys(r.files)));
  for (const name of [BM25_FILE + NEXT, MANIFEST_FILE + NEXT]) {
    crashPoint(`unlink ${name}`);
    await rm(join(dir, name), { force: true });
  }
  for (const name of await readdir(dir)) {
    if (!isSideIndexFile(name) || keep.has(name)) continue;
    crashPoint(`unlink ${name}`);
    await rm(join(dir, name), { force: true });
  }
}

/** The generation stamped in a bm25.bin, reading only its header. */
export async function readBm25Generation(path: string): Promise<number> {
  let fh;
  try {
    fh = await open(path, 'r');
    const first = new Uint8Array(16);
    await fh.read(first, 0, 16, 0);
    const len = bm25HeaderLength(first);
    const head = new Uint8Array(len);
    await fh.read(head, 0, len, 0);
    return decodeBm25Header(head, path).generation;
  } catch (err) {
    if (SiftError.isInstance(err)) throw err;
    // The manifest exists (we are past reading it), so a missing bm25.bin means a damaged index.
    throw new SiftError('E_INDEX_CORRUPT', `Cannot read BM25 file ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { path },
    });
  } finally {
    await fh?.close();
  }
}

/**
 * Makes sure bm25.bin belongs to `manifest`. If not, a commit was cut between its two renames: finish it
 * from `manifest.json.next` (renaming it into place when the folder is writable) and return that manifest.
 */
export async function recoverCommit(dir: string, manifest: Manifest): Promise<Manifest> {
  const bm25Path = join(dir, BM25_FILE);
  const gen = await readBm25Generation(bm25Path);
  if (gen === manifest.bm25.generation) return manifest;
  const nextPath = join(dir, MANIFEST_FILE + NEXT);
  let next: Manifest | undefined;
  try {
    next = parseManifest(await readFile(nextPath, 'utf8'), nextPath);
  } catch {
    next = undefined;
  }
  if (next?.bm25.generation !== gen) {
    throw new SiftError(
      'E_INDEX_CORRUPT',
      `Index ${dir}: ${bm25Path} has generation ${gen} but ${join(dir, MANIFEST_FILE)} expects ${manifest.bm25.generation}`,
      { details: { path: bm25Path } },
    );
  }
  try {
    await rename(nextPath, join(dir, MANIFEST_FILE));
    await fsyncDir(dir);
  } catch {
    // Read-only folder: use the completed manifest in memory; the next writer renames it.
  }
  return next;
}
