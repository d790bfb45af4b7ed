import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SiftError } from '@sift/core';

export const LOCK_FILE = '.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the index's writer lock (`<dir>/.lock`, holding the writer's pid) and returns its release function.
 * Two writers would each commit a manifest naming only their own LanceDB versions, so only one may run.
 * A lock left by a dead process is taken over.
 */
export async function acquireIndexLock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      } finally {
        await fh.close();
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = NaN;
      try {
        pid = Number((JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown }).pid);
      } catch {
        // unreadable lock: a writer crashed while creating it, or is writing it right now; treat as held once
      }
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
        await rm(path, { force: true });
        continue;
      }
      throw new SiftError('E_INDEX_LOCKED', `Index ${dir} is being written by another process (pid ${Number.isNaN(pid) ? '?' : pid}); ${path} holds the lock`, {
        details: { path, pid },
      });
    }
  }
  throw new SiftError('E_INDEX_LOCKED', `Cannot take the writer lock ${path}`, { details: { path } });
}
