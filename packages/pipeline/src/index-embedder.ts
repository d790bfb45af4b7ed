import { SiftError, supportsLateChunking, type Chunk, type Chunker, type Document, type Embedder, type LateChunkingEmbedder, type RunOptions } from '@sift/core';

/** The id suffix of late-chunked vectors (`LateChunkVectors`). */
const LATE_SUFFIX = ':late';

/** What an index records about its embedder (`manifest.embedder`). */
export interface RecordedEmbedder {
  id: string;
  dim: number;
}

/** The one-line hint for a dense query over an index built without vectors. */
export function noVectorsError(dir: string): SiftError {
  return new SiftError(
    'E_BAD_CONFIG',
    `index ${dir} has no vectors (it was built without an embedder); query it with --retriever bm25, or rebuild it with "sift index <dir> --embedder use-lite --rebuild"`,
    { details: { key: 'retriever' } },
  );
}

/**
 * An index's vectors and a query's must come from the same embedder (same id and dimension). An index built with late
 * chunking records `<id>:late`; its queries are embedded by `<id>` itself, so that one matches too.
 */
export function checkSameEmbedder(dir: string, built: RecordedEmbedder, embedder: Embedder): void {
  const sameId = embedder.id === built.id || `${embedder.id}${LATE_SUFFIX}` === built.id;
  if (!sameId || embedder.dim !== built.dim) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `index ${dir} was built with embedder "${built.id}" (dim ${built.dim}), not "${embedder.id}" (dim ${embedder.dim})`,
      { details: { key: 'embedder' } },
    );
  }
}

/**
 * Late chunking (pipeline config `lateChunking: true`): the chunker wrapper below embeds each document once through
 * the embedder's `embedSpans` and hands every chunk's vector to this embedder, which serves it when the store embeds
 * that chunk's text; any other text (a query) goes to the inner embedder. Vectors are matched by text in order, so
 * a text repeated in several chunks gets its occurrences' vectors in turn. A memory store re-embeds its chunks whenever
 * it rebuilds a retriever, so there the vectors are kept and served round-robin; disk and remote stores embed each
 * chunk once, so there they are dropped once served.
 */
export class LateChunkVectors implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  /** What re-creates the encoder (queries are embedded by it unchanged). */
  readonly config: unknown;
  readonly #pending = new Map<string, { vectors: Float32Array[]; next: number }>();

  constructor(
    readonly inner: LateChunkingEmbedder,
    private readonly keep: boolean,
  ) {
    this.id = `${inner.id}${LATE_SUFFIX}`;
    this.dim = inner.dim;
    this.maxTokens = inner.maxTokens;
    this.config = (inner as { config?: unknown }).config;
  }

  /** Registers the late-chunked vectors of one document's chunks (in chunk order). */
  offer(texts: readonly string[], vectors: readonly Float32Array[]): void {
    texts.forEach((t, i) => {
      const entry = this.#pending.get(t) ?? { vectors: [], next: 0 };
      entry.vectors.push(vectors[i]!);
      this.#pending.set(t, entry);
    });
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    const out = new Array<Float32Array | undefined>(texts.length);
    const rest: number[] = [];
    texts.forEach((t, i) => {
      const entry = this.#pending.get(t);
      if (!entry || entry.vectors.length === 0) return void rest.push(i);
      if (this.keep) {
        out[i] = entry.vectors[entry.next % entry.vectors.length]!;
        entry.next++;
      } else {
        out[i] = entry.vectors.shift()!;
      }
    });
    if (rest.length > 0) {
      const vecs = await this.inner.embed(rest.map((i) => texts[i]!), opts);
      rest.forEach((i, k) => (out[i] = vecs[k]!));
    }
    return out as Float32Array[];
  }

  close(): Promise<void> {
    this.#pending.clear();
    return this.inner.close?.() ?? Promise.resolve();
  }
}

/** The pipeline's embedder with late chunking switched on (`lateChunking: true`), or unchanged. */
export function withLateChunking(embedder: Embedder, on: boolean, storeKind: 'disk' | 'memory' | 'remote'): Embedder {
  if (!on || embedder instanceof LateChunkVectors) return embedder;
  if (!supportsLateChunking(embedder)) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `lateChunking needs an embedder that encodes whole documents and pools chunk spans (sift-m2-mini or an M2-BERT folder); "${embedder.id}" cannot`,
      { details: { key: 'lateChunking' } },
    );
  }
  return new LateChunkVectors(embedder, storeKind === 'memory');
}

/** Wraps a chunker so that each document's chunks are late-chunked by the embedder before the store sees them. */
export function lateChunked(chunker: Chunker, embedder: Embedder | undefined): Chunker {
  if (!(embedder instanceof LateChunkVectors)) return chunker;
  return {
    name: chunker.name,
    async *chunk(doc: Document, opts: RunOptions = {}): AsyncIterable<Chunk> {
      const chunks: Chunk[] = [];
      for await (const c of chunker.chunk(doc, opts)) chunks.push(c);
      const vectors = await embedder.inner.embedSpans(doc.text, chunks.map((c) => ({ start: c.start, end: c.end })), opts.signal ? { signal: opts.signal } : {});
      embedder.offer(chunks.map((c) => c.text), vectors);
      yield* chunks;
    },
  };
}
