import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

const MAX_DEPTH = 256;

function fsError(code: string, path: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, mkdir '${path}'`), { code, path, syscall: 'mkdir' });
}

/**
 * Creates `dir` and its missing parents one level at a time, failing at once with the error of the first level that
 * cannot be made (its `code` and `path` say which: ENOTDIR with `path` at a file in the way, ENOENT, EACCES…). Use it
 * instead of `mkdir(dir, { recursive: true })` for folders a user names: Node's recursive mkdir never returns for
 * some paths (it loops on ENOENT under `/proc`, e.g. `/proc/x`).
 */
export async function makeDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = dir;
  for (let depth = 0; ; depth++) {
    const info = await lstat(at).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (info) {
      const isDir = info.isDirectory() || (info.isSymbolicLink() && (await stat(at).then((s) => s.isDirectory(), () => false)));
      if (!isDir) throw fsError('ENOTDIR', at, 'not a directory');
      break;
    }
    const parent = dirname(at);
    if (parent === at || depth >= MAX_DEPTH) throw fsError('ENOENT', at, 'no existing parent folder');
    missing.push(at);
    at = parent;
  }
  for (const d of missing.reverse()) {
    await mkdir(d).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}
