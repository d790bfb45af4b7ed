import { access, readdir, readFile, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { makeDir, SiftError } from '@sift/core';
import { LOCK_FILE } from './index-lock.js';
import { sideIndexNames } from './side-index-registry.js';
import { BM25_FILE, INDEX_FORMAT, LANCE_DIR, MANIFEST_FILE } from './manifest.js';

/** Written first into a folder becoming an index, so a create cut short is still recognised as ours. */
export const MARKER_FILE = '.sift-index';

/** Version 1 side-index files (one name per kind, replaced in place) and their temporaries. */
const LEGACY_SIDE_FILE = /^(hnsw|graph)\.(bin|labels\.json)(\.prev|\.tmp-[\w.-]+)?$/;

/** Whether a folder entry is something an index writes. */
export function isIndexEntry(name: string): boolean {
  if ([MANIFEST_FILE, `${MANIFEST_FILE}.next`, BM25_FILE, `${BM25_FILE}.next`, LANCE_DIR, LOCK_FILE, MARKER_FILE].includes(name)) return true;
  return isSideIndexFile(name) || name.startsWith(`${LOCK_FILE}.`);
}

/**
 * Side-index files of any generation (`<kind>.<generation>.<ext>` for a registered kind, and their temporaries) and
 * version 1 ones: what a commit may remove when its manifest does not name them.
 */
export function isSideIndexFile(name: string): boolean {
  if (LEGACY_SIDE_FILE.test(name)) return true;
  const m = /^([a-z][\w-]*)\.\d+\./.exec(name);
  return m !== null && sideIndexNames().includes(m[1]!);
}

/**
 * Makes sure `dir` is a writable folder, creating it and missing parents (core's bounded `makeDir`: Node's recursive
 * mkdir never returns for some paths such as `/proc/x`). Anything that cannot be a writable folder is E_INDEX_PATH
 * naming why, at once.
 */
export async function makeIndexDir(dir: string): Promise<void> {
  try {
    await makeDir(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOTDIR' && e.path !== undefined) {
      throw pathError(dir, e.path === dir ? `${dir} is a file, not a folder` : `${e.path} is a file, so ${dir} cannot be a folder`, err);
    }
    fail(dir, e.path ?? dir, e);
  }
  await access(dir, constants.W_OK | constants.X_OK).catch((err: NodeJS.ErrnoException) => fail(dir, dir, err));
}

function fail(dir: string, at: string, err: NodeJS.ErrnoException): never {
  const why = err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS' ? 'not writable' : (err.code ?? err.message);
  throw pathError(dir, `${dir} cannot be an index folder: ${at === dir ? '' : `${at}: `}${why}`, err);
}

function pathError(dir: string, message: string, cause?: unknown): SiftError {
  return new SiftError('E_INDEX_PATH', message, { ...(cause ? { cause } : {}), details: { path: dir } });
}

/** What a folder holds, as far as creating an index in it goes. */
export type IndexDirState =
  | { kind: 'empty' }
  /** A Sift manifest is there. */
  | { kind: 'index' }
  /** Only index files and the marker: a create that did not finish. */
  | { kind: 'partial' }
  | { kind: 'foreign'; entries: string[] };

/** Looks at a folder without changing it (the caller holds the lock, or checks again once it does). */
export async function inspectIndexDir(dir: string): Promise<IndexDirState> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'empty' };
    throw pathError(dir, `${dir} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err);
  }
  const own = names.filter((n) => n !== LOCK_FILE && !n.startsWith(`${LOCK_FILE}.`));
  if (own.length === 0) return { kind: 'empty' };
  if (names.includes(MANIFEST_FILE) && (await isSiftManifest(join(dir, MANIFEST_FILE)))) return { kind: 'index' };
  const foreign = own.filter((n) => !isIndexEntry(n));
  if (foreign.length === 0 && names.includes(MARKER_FILE) && !names.includes(MANIFEST_FILE)) return { kind: 'partial' };
  // Not ours: name everything there (a `lance/` of the user's is as much theirs as any other file), theirs first.
  return { kind: 'foreign', entries: [...foreign, ...own.filter((n) => isIndexEntry(n))] };
}

/** A manifest.json that says it is a Sift index (damaged ones are the open path's business, not ours). */
async function isSiftManifest(path: string): Promise<boolean> {
  try {
    const text = await readFile(path, 'utf8');
    return text.includes(`"${INDEX_FORMAT}"`);
  } catch {
    return false;
  }
}

/** E_INDEX_PATH for a folder holding something other than an index, naming (some of) what is there. */
export function foreignDirError(dir: string, entries: readonly string[]): SiftError {
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, and ${entries.length - 5} more` : '');
  return new SiftError(
    'E_INDEX_PATH',
    `${dir} is not a Sift index and not empty (it holds ${shown}); refusing to write there. Pick an empty or new folder for the index`,
    { details: { path: dir, entries: entries.slice(0, 20) } },
  );
}

/** Removes what an index writes (never anything else) from `dir`, for a rebuild or an unfinished create. */
export async function removeIndexEntries(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || name === MARKER_FILE || !isIndexEntry(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
}
