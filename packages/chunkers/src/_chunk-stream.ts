import { SiftError, notifyProgress, throwIfAborted, yieldToEventLoop, type Chunk, type Document, type RunOptions } from '@sift/core';
import type { Packed } from './_pack.js';

// Chunks between abort checks, progress reports and event-loop yields: rare enough to cost nothing measurable.
const BATCH = 256;

/** Reject documents a chunker cannot work on, naming the document. */
export function checkDocument(doc: Document, chunker: string): void {
  if (doc === null || typeof doc !== 'object' || typeof doc.text !== 'string') {
    throw new SiftError('E_BAD_INPUT', `${chunker} chunker: document text must be a string`, { details: { docId: doc?.id } });
  }
  if (typeof doc.id !== 'string' || doc.id === '') {
    throw new SiftError('E_BAD_INPUT', `${chunker} chunker: document id must be a non-empty string`);
  }
}

/**
 * Turn packed spans into chunks with stable ids (`${docId}#${index}`), checking the abort signal, reporting progress
 * in characters and yielding to the event loop every few hundred chunks. `spans` runs lazily, after the first check;
 * it may first await its setup (tokenizing the whole document, which checks the signal itself).
 *
 * Behaves as an async generator would (errors reject `next()` and end the stream, `return()` closes `spans`' iterator,
 * overlapping `next()` calls run in turn) but hands out chunks from already-settled promises: an async generator
 * costs several promises and microtask turns per chunk, a tenth of chunking a text by sentences.
 */
export function streamChunks(
  doc: Document,
  chunker: string,
  spans: () => Iterable<Packed> | Promise<Iterable<Packed>>,
  opts: RunOptions = {},
  metadata?: (p: Packed) => Record<string, unknown>,
): AsyncIterableIterator<Chunk> {
  return new ChunkStream(doc, chunker, spans, opts, metadata);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

class ChunkStream implements AsyncIterableIterator<Chunk> {
  private iter: Iterator<Packed> | null = null;
  private finished = false;
  /** Chunks handed out; `last` is the span of the latest, whose batch bookkeeping runs on the next call. */
  private index = 0;
  private last: Packed | null = null;
  /** The step that is awaiting something (setup or a batch pause); later calls wait for it. */
  private inflight: Promise<unknown> | null = null;

  constructor(
    private readonly doc: Document,
    private readonly chunker: string,
    private readonly spans: () => Iterable<Packed> | Promise<Iterable<Packed>>,
    private readonly opts: RunOptions,
    private readonly metadata: ((p: Packed) => Record<string, unknown>) | undefined,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Chunk>> {
    if (this.inflight) return this.after(() => this.next());
    try {
      if (this.finished) return Promise.resolve(DONE);
      if (this.iter === null) return this.track(this.start());
      if (this.last !== null) {
        this.index++;
        if (this.index % BATCH === 0) return this.track(this.pause(this.last));
        this.last = null;
      }
      return Promise.resolve(this.pull());
    } catch (err) {
      this.finish();
      return Promise.reject(err);
    }
  }

  return(value?: unknown): Promise<IteratorResult<Chunk>> {
    if (this.inflight) return this.after(() => this.return(value));
    this.finish();
    return Promise.resolve({ done: true, value: value as undefined });
  }

  throw(err?: unknown): Promise<IteratorResult<Chunk>> {
    if (this.inflight) return this.after(() => this.throw(err));
    this.finish();
    return Promise.reject(err);
  }

  private async start(): Promise<IteratorResult<Chunk>> {
    checkDocument(this.doc, this.chunker);
    throwIfAborted(this.opts.signal);
    const spans = await this.spans();
    if (this.finished) return DONE;
    this.iter = spans[Symbol.iterator]();
    return this.pull();
  }

  private async pause(p: Packed): Promise<IteratorResult<Chunk>> {
    this.last = null;
    const { signal, onProgress } = this.opts;
    throwIfAborted(signal);
    notifyProgress(onProgress, { status: 'progress', done: p.end, total: this.doc.text.length, unit: 'chars' });
    await yieldToEventLoop();
    throwIfAborted(signal);
    return this.pull();
  }

  private pull(): IteratorResult<Chunk> {
    const r = this.iter!.next();
    const { text, id } = this.doc;
    if (r.done) {
      this.finished = true;
      notifyProgress(this.opts.onProgress, { status: 'done', done: text.length, total: text.length, unit: 'chars' });
      return DONE;
    }
    const p = r.value;
    this.last = p;
    return {
      done: false,
      value: {
        id: `${id}#${this.index}`,
        docId: id,
        text: text.slice(p.start, p.end),
        start: p.start,
        end: p.end,
        tokenCount: p.tokens,
        metadata: this.metadata ? this.metadata(p) : {},
      },
    };
  }

  /** Runs an awaiting step as the only one in flight; a failure ends the stream. */
  private track(step: Promise<IteratorResult<Chunk>>): Promise<IteratorResult<Chunk>> {
    const run = step.then(
      (r) => {
        this.inflight = null;
        return r;
      },
      (err: unknown) => {
        this.inflight = null;
        this.finish();
        throw err;
      },
    );
    this.inflight = run.catch(() => undefined);
    return run;
  }

  private after(call: () => Promise<IteratorResult<Chunk>>): Promise<IteratorResult<Chunk>> {
    return this.inflight!.then(call);
  }

  private finish(): void {
    if (this.finished && this.iter === null) return;
    this.finished = true;
    const iter = this.iter;
    this.iter = null;
    iter?.return?.();
  }
}
