import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { crashPoint } from './_crash-point.js';

export const LOCK_FILE = '.lock';

interface LockRecord {
  pid: number;
  host: string;
  /** The holder's start time (Linux: /proc/<pid>/stat field 22), so a reused pid is not taken for the holder. */
  started: string | null;
  /** Unique per acquisition: lets the holder check the lock is still its own. */
  token: string;
  since: string;
}

/** The writer lock of an index, held from `acquireIndexLock` until `release`. */
export interface IndexLock {
  readonly path: string;
  /** Throws E_INDEX_LOCKED when the lock file no longer holds this lock (someone broke it): never commit then. */
  check(): Promise<void>;
  release(): Promise<void>;
}

// Locks this process holds, released synchronously if it exits without releasing them (process.exit, as on a
// second Ctrl-C): otherwise the next writer finds a lock of a dead process and has to break it.
const heldLocks = new Map<string, string>();
let exitHookInstalled = false;

function releaseHeldLocksOnExit(): void {
  for (const [path, token] of heldLocks) {
    try {
      if (parseLock(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
    } catch {
      // already gone, or not ours to remove
    }
  }
  heldLocks.clear();
}

function rememberHeld(path: string, token: string): void {
  heldLocks.set(path, token);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', releaseHeldLocksOnExit);
  }
}

function processStart(pid: number): string | null {
  try {
    // Field 22 (starttime) follows the parenthesised command name, which may itself hold spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function holderAlive(rec: LockRecord): boolean {
  if (rec.host !== hostname()) return true; // another machine's process: cannot tell, so it holds the lock
  try {
    process.kill(rec.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStart(rec.pid);
  return rec.started === null || started === null || started === rec.started;
}

function parseLock(text: string): LockRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    // Version 1 locks hold only { pid, since }: still judged by their pid.
    if (typeof r.pid === 'number' && Number.isInteger(r.pid) && r.pid > 0) {
      const token = typeof r.token === 'string' ? r.token : '';
      return { pid: r.pid, host: typeof r.host === 'string' ? r.host : hostname(), started: r.started ?? null, token, since: String(r.since ?? '') };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/**
 * Takes the index's writer lock (`<dir>/.lock`) or fails at once with E_INDEX_LOCKED: it never waits. The lock file is
 * written in full under a private name and then hard-linked into place, so it appears atomically with its content (a
 * reader never sees an empty lock, and a crash never leaves one). A lock whose holder is dead (same host, pid gone or
 * reused) is broken by renaming it aside and checking that what moved is that same dead lock; at most two tries.
 */
export async function acquireIndexLock(dir: string): Promise<IndexLock> {
  const path = join(dir, LOCK_FILE);
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    started: processStart(process.pid),
    token: randomBytes(12).toString('hex'),
    since: new Date().toISOString(),
  };
  const text = JSON.stringify(record);
  await removeDeadLockTemps(dir);
  const mine = `${path}.${process.pid}.${record.token}`;
  await writeFile(mine, text, { flag: 'wx' }).catch((err: unknown) => {
    throw lockError(dir, path, err);
  });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(mine, path);
        return held(dir, path, record.token);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(dir, path, err);
      }
      const current = await readFile(path, 'utf8').catch(() => undefined);
      const holder = current === undefined ? undefined : parseLock(current);
      if (current === undefined) continue; // released between our link and our read: try again
      if (!holder || holderAlive(holder)) {
        throw new SiftError(
          'E_INDEX_LOCKED',
          `Index ${dir} is being written by another process (pid ${holder?.pid ?? '?'}${holder?.since ? `, since ${holder.since}` : ''}); ${path} holds the lock`,
          { details: { path, pid: holder?.pid } },
        );
      }
      await breakStaleLock(path, current);
    }
    throw new SiftError('E_INDEX_LOCKED', `Index ${dir}: another writer took the lock ${path} while a stale one was being cleared`, {
      details: { path },
    });
  } finally {
    await rm(mine, { force: true });
  }
}

/** Moves a dead holder's lock aside; if what moved is not that lock (it was replaced meanwhile), puts it back. */
async function breakStaleLock(path: string, stale: string): Promise<void> {
  const aside = `${path}.${process.pid}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== stale) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Removes `.lock.<pid>.*` files (a lock being written, or one moved aside) left by processes that died meanwhile. */
async function removeDeadLockTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = /^\.lock\.(\d+)\./.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || holderAlive({ pid, host: hostname(), started: null, token: '', since: '' })) continue;
    await rm(join(dir, name), { force: true });
  }
}

function held(dir: string, path: string, token: string): IndexLock {
  let released = false;
  rememberHeld(path, token);
  return {
    path,
    async check() {
      const now = await readFile(path, 'utf8').catch(() => undefined);
      if (released || (now === undefined ? undefined : parseLock(now))?.token !== token) {
        throw new SiftError('E_INDEX_LOCKED', `Index ${dir}: the writer lock ${path} was taken from this process; nothing was committed`, {
          details: { path },
        });
      }
    },
    async release() {
      if (released) return;
      released = true;
      heldLocks.delete(path);
      const now = await readFile(path, 'utf8').catch(() => undefined);
      if ((now === undefined ? undefined : parseLock(now))?.token !== token) return; // not ours any more
      crashPoint('unlink .lock');
      await rm(path, { force: true });
    },
  };
}

function lockError(dir: string, path: string, err: unknown): SiftError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new SiftError('E_INDEX_PATH', `${dir} is not writable: cannot create the writer lock ${path}`, { cause: err, details: { path } });
  }
  return new SiftError('E_RUNTIME', `Cannot create the writer lock ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
}
