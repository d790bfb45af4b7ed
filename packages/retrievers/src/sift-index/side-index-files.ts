import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import type { SideIndexRecord } from './manifest.js';

const CHUNK = 1 << 20;

/** sha256 of a file, streamed; `sync` also fsyncs it (side-index files must be durable before the manifest names them). */
export async function fileSha256(path: string, opts: { sync?: boolean } = {}): Promise<string> {
  const fh = await open(path, opts.sync ? 'r+' : 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
    if (opts.sync) await fh.sync();
    return hash.digest('hex');
  } finally {
    await fh.close();
  }
}

/**
 * The paths of a side index's files after checking each against the sha256 its record holds: a missing or changed
 * file is E_INDEX_CORRUPT naming it (the side index must then be rebuilt, which the next add does).
 */
export async function verifiedSideIndexFiles(dir: string, name: string, record: SideIndexRecord): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [file, expected] of Object.entries(record.files)) {
    const path = join(dir, file);
    let actual: string;
    try {
      actual = await fileSha256(path);
    } catch (err) {
      throw new SiftError('E_INDEX_CORRUPT', `Index ${dir}: ${name} file ${path} named by the manifest cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); re-run an add to rebuild it`, {
        cause: err,
        details: { path, sideIndex: name },
      });
    }
    if (actual !== expected) {
      throw new SiftError('E_INDEX_CORRUPT', `Index ${dir}: ${name} file ${path} does not match its checksum in the manifest (damaged); re-run an add to rebuild it`, {
        details: { path, sideIndex: name },
      });
    }
    out[file] = path;
  }
  return out;
}
