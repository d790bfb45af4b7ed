import path from 'node:path';
import { z } from 'zod';
import { notifyProgress, throwIfAborted, type ProgressCallback } from '../abort.js';
import { SiftError } from '../errors.js';
import type { Document } from '../types.js';
import { sniffBinary, SNIFF_BYTES } from './decode-text.js';
import { fsReason } from './fs-reason.js';
import type { InputIssue, InputIssueCallback } from './input-issue.js';
import { jsonErrorLocation, jsonRecord } from './json-record.js';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_READ_IDLE_MS, readFileChunks, readTextFile, tooLarge, type InputLimits } from './read-input.js';
import { showPath } from './show-path.js';
import { walkInputFiles, type InputFile } from './walk-input-files.js';

export const DEFAULT_EXTENSIONS = ['.txt', '.md', '.json', '.jsonl'] as const;

export const ReadDocumentsOptionsSchema = z
  .object({
    /** Extensions read inside directories (`.txt` or `txt`, any case). Files named directly are always read. */
    extensions: z
      .array(z.string().regex(/^\.?[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an extension such as ".txt"'))
      .min(1)
      .default([...DEFAULT_EXTENSIONS])
      .transform((xs) => xs.map((x) => (x.startsWith('.') ? x : `.${x}`).toLowerCase())),
    /** Called for each skipped file or record. Without it the first problem throws. A throw from it stops the read. */
    /** Largest file read as one document, in bytes (a JSONL file is streamed: this bounds each line). */
    maxFileBytes: z.number().int().min(1).default(DEFAULT_MAX_FILE_BYTES),
    /** Most milliseconds one read may wait for data before the file is reported unreadable. */
    readIdleMs: z.number().int().min(1).default(DEFAULT_READ_IDLE_MS),
    onIssue: z.custom<InputIssueCallback>((v) => typeof v === 'function', 'onIssue must be a function').optional(),
    onProgress: z.custom<ProgressCallback>((v) => typeof v === 'function', 'onProgress must be a function').optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict();

export type ReadDocumentsOptions = z.input<typeof ReadDocumentsOptionsSchema>;

const PathsSchema = z.array(z.string().min(1, 'a path must not be empty')).min(1, 'give at least one file or directory');

/**
 * Stream documents from files and directories, one file in memory at a time (JSONL line by line).
 *
 * - Only regular files are read: a FIFO, device or socket named as a root is refused (E_INPUT_UNREADABLE), one found
 *   in a folder is an issue; a file over `maxFileBytes` is E_INPUT_TOO_LARGE; files are read as streams, each read
 *   bounded by `readIdleMs` and the abort signal. Text is UTF-8, or UTF-16 with or without a BOM.
 * - Walk: sorted, deterministic; hidden entries and `node_modules` below a root are skipped.
 * - `.json`: an object with `text`/`content`/`body` (optional `id`/`title` → metadata) or an array of them;
 *   `.jsonl`: one such record per line; anything else is one plain-text document.
 * - Ids: the path relative to the roots' common base folder (a folder root: the folder itself; a file root: its
 *   folder), plus `#N` for the N-th line of a JSONL file (1-based) or item of a JSON array (0-based).
 * - Bad files become issues and the read goes on: E_INPUT_BINARY, E_INPUT_EMPTY, E_INPUT_ENCODING,
 *   E_INPUT_UNREADABLE, and E_BAD_INPUT for malformed JSON (naming file and line).
 */
export function readDocuments(paths: readonly string[], options: ReadDocumentsOptions = {}): AsyncIterable<Document> {
  const roots = PathsSchema.safeParse(paths);
  if (!roots.success) {
    throw new SiftError('E_BAD_INPUT', `readDocuments: ${roots.error.issues[0]?.message ?? 'bad paths'}`, { cause: roots.error });
  }
  const parsed = ReadDocumentsOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SiftError('E_BAD_CONFIG', `readDocuments: option "${issue?.path.join('.') ?? '?'}": ${issue?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  const opts = parsed.data;
  const report = (issue: InputIssue): void => {
    if (!opts.onIssue) throw new SiftError(issue.code, issue.message, { details: { file: issue.file } });
    opts.onIssue(issue);
  };
  const limits: InputLimits = { maxBytes: opts.maxFileBytes, idleMs: opts.readIdleMs, signal: opts.signal };
  return generate(roots.data, { extensions: opts.extensions, onProgress: opts.onProgress, signal: opts.signal, report, limits });
}

interface ReadContext {
  extensions: string[];
  report: (issue: InputIssue) => void;
  limits: InputLimits;
  onProgress?: ProgressCallback | undefined;
  signal?: AbortSignal | undefined;
}

async function* generate(roots: string[], ctx: ReadContext): AsyncGenerator<Document> {
  const files = await walkInputFiles(roots, { extensions: ctx.extensions, onIssue: ctx.report, signal: ctx.signal });
  let done = 0;
  for (const file of files) {
    throwIfAborted(ctx.signal);
    const ext = path.extname(file.absolute).toLowerCase();
    if (ext === '.jsonl') yield* readJsonl(file, ctx);
    else yield* readWhole(file, ext, ctx);
    done++;
    notifyProgress(ctx.onProgress, { status: 'progress', done, total: files.length, unit: 'files' });
  }
  notifyProgress(ctx.onProgress, { status: 'done', done, total: files.length, unit: 'files' });
}

async function* readWhole(file: InputFile, ext: string, ctx: ReadContext): AsyncGenerator<Document> {
  const shown = showPath(file.display);
  let text: string;
  try {
    text = await readTextFile(file.absolute, shown, ctx.limits);
  } catch (err) {
    if (SiftError.isInstance(err) && err.code === 'E_ABORTED') throw err;
    ctx.report(toIssue(err, file.display));
    return;
  }
  if (ext !== '.json') {
    yield { id: file.id, text, source: file.display, metadata: {} };
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const at = jsonErrorLocation(err, text);
    const where = at ? `:${at.line}:${at.column}` : '';
    ctx.report({ file: file.display, code: 'E_BAD_INPUT', message: `${shown}${where}: malformed JSON (${(err as Error).message})` });
    return;
  }
  if (!Array.isArray(value)) {
    const rec = jsonRecord(value);
    if (!rec.ok) ctx.report({ file: file.display, code: 'E_BAD_INPUT', message: `${shown}: ${rec.problem}` });
    else yield* emitRecord(`${file.id}`, file.display, rec.text, rec.metadata, ctx);
    return;
  }
  const records = value.map(jsonRecord);
  if (records.length > 0 && records.every((r) => !r.ok)) {
    // Not a corpus at all (a list of names, numbers…): one line for the file, not one per item.
    const first = records[0] as { problem: string };
    ctx.report({ file: file.display, code: 'E_BAD_INPUT', message: `${shown}: no item of the array is a document (item 0: ${first.problem})` });
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const rec = records[i]!;
    const display = `${file.display}#${i}`;
    if (!rec.ok) ctx.report({ file: display, code: 'E_BAD_INPUT', message: `${showPath(display)}: item ${i}: ${rec.problem}` });
    else yield* emitRecord(`${file.id}#${i}`, display, rec.text, rec.metadata, ctx);
  }
}

function* emitRecord(id: string, display: string, text: string, metadata: Record<string, unknown>, ctx: ReadContext): Generator<Document> {
  if (text.trim() === '') {
    ctx.report({ file: display, code: 'E_INPUT_EMPTY', message: `${showPath(display)}: empty text` });
    return;
  }
  yield { id, text, source: display, metadata };
}

/** JSONL, streamed: the file is decoded chunk by chunk and split into lines, so its size does not matter. */
async function* readJsonl(file: InputFile, ctx: ReadContext): AsyncGenerator<Document> {
  const shown = showPath(file.display);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let lineNo = 0;
  let first = true;
  let sawText = false;
  let skipping = false; // inside a line already reported as too long: drop text up to its newline
  const lineTooLong = (n: number) => {
    sawText = true;
    const issue = tooLarge(`${shown}:${n}`, `a line of more than ${ctx.limits.maxBytes} characters`, ctx.limits.maxBytes);
    ctx.report({ file: `${file.display}#${n}`, code: issue.code, message: issue.message });
  };
  const handleLine = function* (raw: string): Generator<Document> {
    lineNo++;
    if (skipping) {
      skipping = false;
      return;
    }
    if (raw.length > ctx.limits.maxBytes) {
      lineTooLong(lineNo);
      return;
    }
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    sawText = true;
    const display = `${file.display}#${lineNo}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      ctx.report({ file: display, code: 'E_BAD_INPUT', message: `${shown}:${lineNo}: malformed JSON (${(err as Error).message})` });
      return;
    }
    const rec = jsonRecord(value);
    if (!rec.ok) {
      ctx.report({ file: display, code: 'E_BAD_INPUT', message: `${shown}:${lineNo}: ${rec.problem}` });
      return;
    }
    yield* emitRecord(`${file.id}#${lineNo}`, display, rec.text, rec.metadata, ctx);
  };
  try {
    for await (const chunk of readFileChunks(file.absolute, shown, ctx.limits, false)) {
      if (first) {
        first = false;
        const binary = sniffBinary(chunk.subarray(0, SNIFF_BYTES));
        if (binary !== undefined) {
          ctx.report({ file: file.display, code: 'E_INPUT_BINARY', message: `${shown}: looks binary (${binary})` });
          return; // leaving the loop closes the stream
        }
      }
      let text: string;
      try {
        // The decoder drops a leading BOM itself (ignoreBOM is false).
        text = decoder.decode(chunk, { stream: true });
      } catch {
        ctx.report({ file: file.display, code: 'E_INPUT_ENCODING', message: `${shown}: not valid UTF-8 (after line ${lineNo})` });
        return;
      }
      pending += text;
      let from = 0;
      let nl: number;
      while ((nl = pending.indexOf('\n', from)) >= 0) {
        yield* handleLine(pending.slice(from, nl));
        from = nl + 1;
        if (lineNo % 1024 === 0) throwIfAborted(ctx.signal);
      }
      pending = pending.slice(from);
      if (pending.length > ctx.limits.maxBytes) {
        if (!skipping) lineTooLong(lineNo + 1);
        skipping = true;
        pending = '';
      }
    }
    try {
      pending += decoder.decode();
    } catch {
      ctx.report({ file: file.display, code: 'E_INPUT_ENCODING', message: `${shown}: not valid UTF-8 (truncated sequence at the end)` });
      return;
    }
  } catch (err) {
    if (SiftError.isInstance(err) && err.code === 'E_ABORTED') throw err;
    ctx.report(toIssue(err, file.display));
    return;
  }
  if (pending !== '') yield* handleLine(pending);
  if (!sawText) ctx.report({ file: file.display, code: 'E_INPUT_EMPTY', message: `${shown}: empty` });
}

function toIssue(err: unknown, display: string): InputIssue {
  if (SiftError.isInstance(err)) return { file: display, code: err.code, message: err.message };
  return { file: display, code: 'E_INPUT_UNREADABLE', message: `${showPath(display)}: cannot read (${fsReason(err)})` };
}
