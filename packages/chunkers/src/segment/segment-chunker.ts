import {
  SiftError,
  TokenizerNameSchema,
  createTokenizer,
  notifyProgress,
  sentenceOffsets,
  throwIfAborted,
  yieldToEventLoop,
  type Chunk,
  type Chunker,
  type Document,
  type RunOptions,
  type Segmenter,
  type Tokenizer,
} from '@sift/core';
import { z } from 'zod';
import { createSegmenter, type SegmenterDeps } from './create-segmenter.js';
import type { VectorSegmenter } from './vector-segmenter.js';

/** A sentence as a UTF-16 span of its document. */
export interface SentenceSpan {
  start: number;
  end: number;
}

export const SegmentChunkerOptionsSchema = z
  .object({
    /** Largest chunk, in tokens of `tokenizer`. */
    size: z.number().int().min(1).default(512),
    tokenizer: TokenizerNameSchema.default('cl100k'),
    /** BCP 47 locale for sentence splitting. */
    locale: z.string().min(1).default('en'),
    /**
     * Sentences segmented at once; longer documents are cut into windows this long first (C99 and the matrix
     * methods are quadratic in sentences).
     */
    windowSentences: z.number().int().min(2).default(1000),
    /** Attach each chunk's sentence spans and embeddings to `metadata` (embedding segmenters only). */
    includeEmbeddings: z.boolean().default(false),
  })
  .strict();
export type SegmentChunkerOptions = z.input<typeof SegmentChunkerOptionsSchema> & {
  /** Side channel: every document's sentence spans and embeddings, so indexing need not embed twice. */
  onSentenceEmbeddings?: (e: { docId: string; spans: SentenceSpan[]; vectors: Float32Array[] }) => void;
};

/**
 * A chunker that cuts documents at the topic boundaries of any Segmenter, then packs each segment into chunks of at
 * most `size` tokens (splitting at sentence ends, and inside a sentence at whitespace only when one sentence alone is
 * too long). Every chunk satisfies `doc.text.slice(start, end) === text`.
 */
export class SegmentChunker implements Chunker {
  readonly name: string;
  readonly segmenter: Segmenter;
  readonly options: z.output<typeof SegmentChunkerOptionsSchema>;
  readonly #tokenizer: Tokenizer;
  readonly #onEmbeddings: SegmentChunkerOptions['onSentenceEmbeddings'];

  private constructor(segmenter: Segmenter, options: z.output<typeof SegmentChunkerOptionsSchema>, tokenizer: Tokenizer, onEmbeddings: SegmentChunkerOptions['onSentenceEmbeddings']) {
    this.segmenter = segmenter;
    this.name = segmenter.name;
    this.options = options;
    this.#tokenizer = tokenizer;
    this.#onEmbeddings = onEmbeddings;
  }

  /** Validates the options, loads the tokenizer and wraps `segmenter` (which stays owned by the caller). */
  static async create(segmenter: Segmenter, options: SegmentChunkerOptions = {}): Promise<SegmentChunker> {
    const { onSentenceEmbeddings, ...rest } = options;
    const parsed = SegmentChunkerOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `${segmenter.name} chunker options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    return new SegmentChunker(segmenter, parsed.data, await createTokenizer(parsed.data.tokenizer), onSentenceEmbeddings);
  }

  #count(text: string): number {
    return this.#tokenizer.count(text);
  }

  async *chunk(doc: Document, opts: RunOptions = {}): AsyncIterable<Chunk> {
    const offsets = sentenceOffsets(doc.text, { locale: this.options.locale });
    const spans: SentenceSpan[] = [];
    for (let i = 0; i < offsets.length; i += 2) spans.push({ start: offsets[i]!, end: offsets[i + 1]! });
    const vseg = isVectorSegmenter(this.segmenter) ? this.segmenter : undefined;
    let vectors: Float32Array[] | undefined;
    if (vseg && spans.length > 0) {
      vectors = await vseg.embedder.embed(spans.map((s) => doc.text.slice(s.start, s.end)), opts);
      this.#onEmbeddings?.({ docId: doc.id, spans, vectors });
    }
    let index = 0;
    let segment = 0;
    const win = this.options.windowSentences;
    for (let w0 = 0; w0 < spans.length; w0 += win) {
      throwIfAborted(opts.signal);
      const w1 = Math.min(spans.length, w0 + win);
      const sentences = spans.slice(w0, w1).map((s) => doc.text.slice(s.start, s.end));
      const local = vseg && vectors ? vseg.segmentVectors(vectors.slice(w0, w1)) : await this.segmenter.segment(sentences, opts);
      const cuts = [0, ...local.filter((b) => b > 0 && b < sentences.length), sentences.length];
      for (let s = 0; s + 1 < cuts.length; s++) {
        for (const [a, b] of this.#pack(doc.text, spans, w0 + cuts[s]!, w0 + cuts[s + 1]!)) {
          yield this.#make(doc, index++, a, b, segment, vectors, spans);
        }
        segment++;
      }
      notifyProgress(opts.onProgress, { status: w1 === spans.length ? 'done' : 'progress', done: w1, total: spans.length, unit: 'sentences' });
      await yieldToEventLoop();
    }
  }

  /** Character ranges covering sentences [from, to) with at most maxTokens each. */
  #pack(text: string, spans: SentenceSpan[], from: number, to: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const max = this.options.size;
    let start = -1;
    let end = -1;
    for (let i = from; i < to; i++) {
      const sp = spans[i]!;
      if (start >= 0 && this.#count(text.slice(start, sp.end)) <= max) {
        end = sp.end;
        continue;
      }
      if (start >= 0) out.push([start, end]);
      if (this.#count(text.slice(sp.start, sp.end)) <= max) {
        start = sp.start;
        end = sp.end;
      } else {
        out.push(...this.#splitLong(text, sp.start, sp.end));
        start = -1;
      }
    }
    if (start >= 0) out.push([start, end]);
    return out;
  }

  /** One sentence over budget: greedy runs of whitespace-separated words; a word over budget is cut by characters. */
  #splitLong(text: string, from: number, to: number): Array<[number, number]> {
    const words: Array<readonly [number, number]> = [];
    for (const m of text.slice(from, to).matchAll(/\S+/g)) {
      const ws = from + m.index;
      const we = ws + m[0].length;
      if (this.#count(m[0]) <= this.options.size) words.push([ws, we]);
      else words.push(...this.#splitWord(text, ws, we));
    }
    const out: Array<[number, number]> = [];
    let a = -1;
    let b = -1;
    for (const [ws, we] of words) {
      if (a >= 0 && this.#count(text.slice(a, we)) <= this.options.size) {
        b = we;
        continue;
      }
      if (a >= 0) out.push([a, b]);
      a = ws;
      b = we;
    }
    if (a >= 0) out.push([a, b]);
    return out;
  }

  /** Greedy code-point runs of at most `size` tokens (never splitting a surrogate pair). */
  #splitWord(text: string, from: number, to: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let a = from;
    let b = from;
    while (b < to) {
      const step = text.codePointAt(b)! > 0xffff ? 2 : 1;
      if (b > a && this.#count(text.slice(a, b + step)) > this.options.size) {
        out.push([a, b]);
        a = b;
      }
      b += step;
    }
    if (b > a) out.push([a, b]);
    return out;
  }

  #make(doc: Document, i: number, start: number, end: number, segment: number, vectors: Float32Array[] | undefined, spans: SentenceSpan[]): Chunk {
    const text = doc.text.slice(start, end);
    // `segment` numbers the topical segment a chunk belongs to (several chunks share it when a segment is over budget).
    const metadata: Record<string, unknown> = { segmenter: this.segmenter.name, segment };
    if (this.options.includeEmbeddings && vectors) {
      const inside = spans.map((s, k) => [s, k] as const).filter(([s]) => s.start >= start && s.end <= end);
      metadata.sentenceSpans = inside.map(([s]) => ({ start: s.start, end: s.end }));
      metadata.sentenceEmbeddings = inside.map(([, k]) => vectors[k]!);
    }
    return { id: `${doc.id}#${i}`, docId: doc.id, text, start, end, tokenCount: this.#count(text), metadata };
  }
}

function isVectorSegmenter(s: Segmenter): s is Segmenter & VectorSegmenter {
  return typeof (s as Partial<VectorSegmenter>).segmentVectors === 'function' && (s as Partial<VectorSegmenter>).embedder !== undefined;
}

/** `createChunker` helper: the named segmenter wrapped as a chunker ('semantic', 'texttiling', 'c99', …). */
export async function createSegmentChunker(
  name: string,
  options: SegmentChunkerOptions & { segmenter?: Record<string, unknown> } = {},
  deps: SegmenterDeps = {},
): Promise<SegmentChunker> {
  const { segmenter: segOpts, ...chunkOpts } = options;
  return SegmentChunker.create(await createSegmenter(name, segOpts ?? {}, deps), chunkOpts);
}
