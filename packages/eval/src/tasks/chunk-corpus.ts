import { SiftError, notifyProgress, throwIfAborted, type Chunk, type Chunker, type Document, type RunOptions } from '@sift/core';
import type { TokenCounter } from '../datasets/niah.js';

/** "none": every document is one chunk (passage-level retrieval, as HotpotQA baselines report it). */
export const WHOLE_DOCUMENTS = 'none';

export interface ChunkedCorpus {
  chunks: Chunk[];
  /** Wall time spent inside the chunker (not the re-count of tokens). */
  chunkingMs: number;
}

/**
 * Chunk every document, checking the offset invariant, and re-count each chunk's tokens with the evaluation's
 * tokenizer so that budgets and tokens_per_query compare across chunkers that count differently.
 */
export async function chunkCorpus(
  docs: Iterable<Document>,
  chunker: Chunker | typeof WHOLE_DOCUMENTS,
  counter: TokenCounter,
  opts: RunOptions & { total?: number } = {},
): Promise<ChunkedCorpus> {
  const chunks: Chunk[] = [];
  const seen = new Set<string>();
  let chunkingMs = 0;
  let done = 0;
  for (const doc of docs) {
    throwIfAborted(opts.signal);
    let produced: Chunk[];
    if (chunker === WHOLE_DOCUMENTS) {
      produced = [{ id: doc.id, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 0, metadata: {} }];
    } else {
      produced = [];
      const t0 = performance.now();
      for await (const c of chunker.chunk(doc, { ...(opts.signal ? { signal: opts.signal } : {}) })) produced.push(c);
      chunkingMs += performance.now() - t0;
    }
    for (const c of produced) {
      if (c.docId !== doc.id || doc.text.slice(c.start, c.end) !== c.text) {
        throw new SiftError('E_RUNTIME', `chunker broke the offset invariant on document "${doc.id}" (chunk "${c.id}" at ${c.start}..${c.end})`, {
          details: { docId: doc.id, chunkId: c.id },
        });
      }
      // Chunk ids must be unique across the corpus, since rankings are keyed by them.
      const id = seen.has(c.id) ? `${doc.id}#${c.id}` : c.id;
      if (seen.has(id)) throw new SiftError('E_RUNTIME', `duplicate chunk id "${c.id}" in document "${doc.id}"`);
      seen.add(id);
      chunks.push({ ...c, id, tokenCount: counter.count(c.text) });
    }
    done++;
    notifyProgress(opts.onProgress, { status: 'progress', done, ...(opts.total !== undefined ? { total: opts.total } : {}), unit: 'documents', message: 'chunking' });
  }
  return { chunks, chunkingMs };
}
