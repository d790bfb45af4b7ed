import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { throwIfAborted } from '../abort.js';
import { SiftError } from '../errors.js';
import { TextAccumulator } from './decode-text.js';
import { fsReason } from './fs-reason.js';

/** Largest file read as one document by default (256 MiB); JSONL files are streamed and bound each line instead. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
/** A read that delivers no data for this long fails instead of waiting forever (a stuck network mount). */
export const DEFAULT_READ_IDLE_MS = 60_000;
/** Bytes asked for per read: large enough to cost few calls, small enough to bound memory per file. */
const READ_BYTES = 1 << 20;

export interface InputLimits {
  /** Most bytes read from one file (or one JSONL line); more is an E_INPUT_TOO_LARGE issue. */
  maxBytes: number;
  /** Most milliseconds one read may wait for data. */
  idleMs: number;
  signal?: AbortSignal | undefined;
}

/** The file-type tests that both `Stats` and `Dirent` offer. */
type FileType = Record<'isFile' | 'isDirectory' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket', () => boolean>;

/** What a non-regular file is, in words, or undefined for a regular file. */
export function specialFileKind(st: FileType): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function notRegularFile(shown: string, kind: string): SiftError {
  return new SiftError('E_INPUT_UNREADABLE', `${shown}: is ${kind}, not a regular file; only regular files are read`, { details: { file: shown } });
}

export function tooLarge(shown: string, what: string, maxBytes: number): SiftError {
  return new SiftError('E_INPUT_TOO_LARGE', `${shown}: ${what} is over the ${formatBytes(maxBytes)} limit (maxFileBytes, sift --max-file-size)`, {
    details: { file: shown, maxBytes },
  });
}

function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * Open `absolute` for reading only if it is a regular file: O_NONBLOCK keeps the open itself from waiting for a FIFO's
 * writer, and the type is checked on the opened descriptor, so a file swapped for a pipe after the walk is refused too.
 */
async function openRegular(absolute: string, shown: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    throw new SiftError('E_INPUT_UNREADABLE', `${shown}: cannot read (${fsReason(cause)})`, { cause, details: { file: shown } });
  }
  try {
    const st = await handle.stat();
    const kind = specialFileKind(st);
    if (kind !== undefined) throw notRegularFile(shown, kind);
    return { handle, size: st.size };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

/** One read, bounded by the idle time and ended early by the abort signal. */
async function boundedRead(handle: FileHandle, shown: string, limits: InputLimits): Promise<Uint8Array> {
  const buffer = new Uint8Array(READ_BYTES);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SiftError('E_INPUT_UNREADABLE', `${shown}: cannot read (no data for ${Math.round(limits.idleMs / 1000)} s)`, { details: { file: shown } })),
      limits.idleMs,
    );
    if (limits.signal) {
      onAbort = () => reject(new SiftError('E_ABORTED', 'Operation aborted', { cause: limits.signal?.reason }));
      limits.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    const { bytesRead } = await Promise.race([handle.read(buffer, 0, READ_BYTES, null), stop]);
    return bytesRead === READ_BYTES ? buffer : buffer.slice(0, bytesRead);
  } catch (err) {
    if (SiftError.isInstance(err)) throw err;
    throw new SiftError('E_INPUT_UNREADABLE', `${shown}: cannot read (${fsReason(err)})`, { cause: err, details: { file: shown } });
  } finally {
    clearTimeout(timer);
    if (onAbort) limits.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The bytes of a regular file, streamed in pieces of up to 1 MiB (each a fresh buffer): refused by type before any
 * read, refused when over `limits.maxBytes` (checked against its size first and again while reading, for a file that
 * grows), each read bounded in time, and the abort signal checked between reads.
 */
export async function* readFileChunks(absolute: string, shown: string, limits: InputLimits, wholeFileLimit = true): AsyncGenerator<Uint8Array> {
  throwIfAborted(limits.signal);
  const { handle, size } = await openRegular(absolute, shown);
  let closed = false;
  try {
    if (wholeFileLimit && size > limits.maxBytes) throw tooLarge(shown, `${size} bytes`, limits.maxBytes);
    let total = 0;
    for (;;) {
      throwIfAborted(limits.signal);
      const piece = await boundedRead(handle, shown, limits).catch(async (err: unknown) => {
        // A read still pending (timed out) may keep the handle busy: close without waiting for it.
        closed = true;
        void handle.close().catch(() => undefined);
        throw err;
      });
      if (piece.length === 0) return;
      total += piece.length;
      if (wholeFileLimit && total > limits.maxBytes) throw tooLarge(shown, `more than ${limits.maxBytes} bytes (it grew while being read)`, limits.maxBytes);
      yield piece;
    }
  } finally {
    if (!closed) await handle.close().catch(() => undefined);
  }
}

/** A regular file's whole text (UTF-8, or UTF-16 with or without a BOM), read as a stream within `limits`. */
export async function readTextFile(absolute: string, shown: string, limits: InputLimits): Promise<string> {
  const acc = new TextAccumulator(shown);
  for await (const piece of readFileChunks(absolute, shown, limits)) acc.push(piece);
  return acc.finish();
}

/**
 * The whole text of a stream such as stdin, stopping with E_INPUT_TOO_LARGE past `maxBytes` (so `< /dev/zero`
 * cannot grow memory without bound) and with E_ABORTED when the signal fires.
 */
export async function readTextStream(source: AsyncIterable<Uint8Array | string>, shown: string, limits: Omit<InputLimits, 'idleMs'>): Promise<string> {
  const acc = new TextAccumulator(shown);
  for await (const part of source) {
    throwIfAborted(limits.signal);
    const bytes = typeof part === 'string' ? Buffer.from(part) : part;
    if (acc.byteCount + bytes.length > limits.maxBytes) throw tooLarge(shown, `more than ${limits.maxBytes} bytes`, limits.maxBytes);
    acc.push(bytes);
  }
  return acc.finish();
}
