import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { throwIfAborted } from '../abort.js';
import { SiftError } from '../errors.js';
import { fsReason } from './fs-reason.js';
import type { InputIssueCallback } from './input-issue.js';
import { notRegularFile, specialFileKind } from './read-input.js';
import { showPath } from './show-path.js';

/** One input file found by the walk. */
export interface InputFile {
  /** Absolute path. */
  absolute: string;
  /** The path as reachable from the working directory (the root as given, joined with the part below it). */
  display: string;
  /** Path relative to the common base of all roots, with `/` separators: the document id. */
  id: string;
  /** True when the file was named as a root: it is read whatever its extension. */
  explicit: boolean;
}

export interface WalkOptions {
  /** Lower-case extensions with the dot, e.g. `.txt`; files found inside directories must match one. */
  extensions: readonly string[];
  onIssue: InputIssueCallback;
  signal?: AbortSignal;
}

/**
 * List the files under `roots` in a deterministic order: roots in the order given, entries sorted by code point.
 * Hidden entries and `node_modules` are skipped below a root (a root itself is always used), symlinked
 * directories are followed once (cycles are cut), and a directory or link that cannot be read becomes an issue.
 * Only paths are held, never contents. A root that does not exist, or that is neither a folder nor a regular file
 * (a FIFO, a device, a socket: reading one can block or never end), is a fatal E_INPUT_UNREADABLE; such an entry
 * inside a folder, when its name has a listed extension, is an issue.
 */
export async function walkInputFiles(roots: readonly string[], opts: WalkOptions): Promise<InputFile[]> {
  const resolved = await Promise.all(
    roots.map(async (root) => {
      let st: Stats;
      try {
        st = await stat(root);
      } catch (cause) {
        throw new SiftError('E_INPUT_UNREADABLE', `${showPath(root)}: cannot read (${fsReason(cause)})`, {
          cause,
          details: { file: root },
        });
      }
      const kind = st.isDirectory() ? undefined : specialFileKind(st);
      if (kind !== undefined) throw notRegularFile(showPath(root), kind);
      return { root, absolute: path.resolve(root), isDir: st.isDirectory() };
    }),
  );
  const base = commonBase(resolved.map((r) => (r.isDir ? r.absolute : path.dirname(r.absolute))));
  const out: InputFile[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const add = (absolute: string, display: string, explicit: boolean): void => {
    if (seenFiles.has(absolute)) return;
    seenFiles.add(absolute);
    out.push({ absolute, display, id: path.relative(base, absolute).split(path.sep).join('/'), explicit });
  };

  const walkDir = async (absolute: string, display: string): Promise<void> => {
    throwIfAborted(opts.signal);
    let real: string;
    let entries: Dirent[];
    try {
      real = await realpath(absolute);
      if (seenDirs.has(real)) return; // a symlink cycle or the same folder given twice
      seenDirs.add(real);
      entries = await readdir(absolute, { withFileTypes: true });
    } catch (cause) {
      opts.onIssue({ file: display, code: 'E_INPUT_UNREADABLE', message: `${showPath(display)}: cannot read directory (${fsReason(cause)})` });
      return;
    }
    // Code-point order, not locale order, so that every machine walks the same way.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const childAbs = path.join(absolute, entry.name);
      const childDisplay = path.join(display, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let special = isDir || isFile || entry.isSymbolicLink() ? undefined : specialFileKind(entry);
      if (entry.isSymbolicLink()) {
        try {
          const st = await stat(childAbs);
          isDir = st.isDirectory();
          isFile = st.isFile();
          special = isDir ? undefined : specialFileKind(st);
        } catch {
          // A dangling or looping link: keep it in the list, so that reading it reports the problem in walk order.
          if (matches(entry.name, opts.extensions)) add(childAbs, childDisplay, false);
          continue;
        }
      }
      if (isDir) await walkDir(childAbs, childDisplay);
      else if (isFile && matches(entry.name, opts.extensions)) add(childAbs, childDisplay, false);
      else if (special !== undefined && matches(entry.name, opts.extensions)) {
        const err = notRegularFile(showPath(childDisplay), special);
        opts.onIssue({ file: childDisplay, code: err.code, message: err.message });
      }
    }
  };

  for (const r of resolved) {
    if (r.isDir) await walkDir(r.absolute, r.root);
    else add(r.absolute, r.root, true);
  }
  return out;
}

function matches(name: string, extensions: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return extensions.some((ext) => lower.endsWith(ext));
}

/** The deepest directory that contains every one of `dirs` (absolute paths). */
function commonBase(dirs: string[]): string {
  const first = dirs[0];
  if (first === undefined) return process.cwd();
  let parts = first.split(path.sep);
  for (const d of dirs.slice(1)) {
    const other = d.split(path.sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(path.sep) || path.sep;
}
