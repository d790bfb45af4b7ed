import { notifyProgress, SiftError, throwIfAborted, type Chunk, type Document, type Embedder, type ProgressCallback } from '@sift/core';

const EMBED_BATCH = 256;

/** The chunk contract every index writer checks: it belongs to `doc` and its text is exactly `doc.text.slice(start, end)`. */
export function checkChunk(c: Chunk, doc: Document, chunker: string): Chunk {
  // The message is built only for a chunk that fails (this runs for every chunk of every add).
  const bad = (what: string) => new SiftError('E_BAD_INPUT', `Chunker "${chunker}" produced chunk ${JSON.stringify(c?.id)} of document "${doc.id}" ${what}`);
  if (typeof c?.id !== 'string' || c.id.length === 0) throw bad('without a string id');
  if (c.docId !== doc.id) throw bad(`with docId ${JSON.stringify(c.docId)}`);
  if (!Number.isInteger(c.start) || !Number.isInteger(c.end) || c.start < 0 || c.end < c.start || c.end > doc.text.length) {
    throw bad(`with bad offsets start=${c.start} end=${c.end} (text length ${doc.text.length})`);
  }
  if (doc.text.slice(c.start, c.end) !== c.text) throw bad(`whose text is not source.slice(${c.start}, ${c.end})`);
  if (!Number.isInteger(c.tokenCount) || c.tokenCount < 0) throw bad(`with tokenCount ${c.tokenCount}`);
  return c;
}

/**
 * Embeds chunks' texts in batches, checking the embedder's answer (count and dimension). Embedding is the slow phase of
 * an add, so its progress goes out in texts (unit 'texts', message 'embedding'), counted from `doneBefore`.
 */
export async function embedChunkTexts(
  embedder: Embedder,
  chunks: readonly Chunk[],
  opts: { signal?: AbortSignal | undefined; onProgress?: ProgressCallback | undefined; doneBefore: number },
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  let done = opts.doneBefore;
  for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
    throwIfAborted(opts.signal);
    const texts = chunks.slice(i, i + EMBED_BATCH).map((c) => c.text);
    const base = done;
    const vecs = await embedder.embed(texts, {
      signal: opts.signal,
      onProgress: (p) => {
        if (p.status === 'progress') notifyProgress(opts.onProgress, { status: 'progress', done: base + p.done, unit: 'texts', message: 'embedding' });
      },
    });
    done += texts.length;
    notifyProgress(opts.onProgress, { status: 'progress', done, unit: 'texts', message: 'embedding' });
    if (vecs.length !== texts.length) {
      throw new SiftError('E_RUNTIME', `Embedder "${embedder.id}" returned ${vecs.length} vectors for ${texts.length} texts`);
    }
    for (const v of vecs) {
      if (!(v instanceof Float32Array) || v.length !== embedder.dim) {
        throw new SiftError('E_RUNTIME', `Embedder "${embedder.id}" returned a vector of length ${v?.length}, expected dim ${embedder.dim}`);
      }
      out.push(v);
    }
  }
  return out;
}
