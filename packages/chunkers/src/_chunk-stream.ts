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
 */
export async function* streamChunks(
  doc: Document,
  chunker: string,
  spans: () => Iterable<Packed> | Promise<Iterable<Packed>>,
  opts: RunOptions = {},
  metadata?: (p: Packed) => Record<string, unknown>,
): AsyncGenerator<Chunk> {
  checkDocument(doc, chunker);
  throwIfAborted(opts.signal);
  const { text, id } = doc;
  let index = 0;
  for (const p of await spans()) {
    yield {
      id: `${id}#${index}`,
      docId: id,
      text: text.slice(p.start, p.end),
      start: p.start,
      end: p.end,
      tokenCount: p.tokens,
      metadata: metadata ? metadata(p) : {},
    };
    index++;
    if (index % BATCH === 0) {
      throwIfAborted(opts.signal);
      notifyProgress(opts.onProgress, { status: 'progress', done: p.end, total: text.length, unit: 'chars' });
      await yieldToEventLoop();
      throwIfAborted(opts.signal);
    }
  }
  notifyProgress(opts.onProgress, { status: 'done', done: text.length, total: text.length, unit: 'chars' });
}
