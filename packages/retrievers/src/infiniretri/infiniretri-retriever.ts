import { OnnxCausalLM, SiftError, type CausalLM, type Chunk, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import { InfiniRetri, type RetainedSentence } from './infini-retri.js';
import type { InfiniRetriOptions } from './infini-retri-options.js';
import { streamSentences, type SourceSentence } from './sentence-stream.js';

export type DocumentTextGetter = (docId: string) => string | undefined | Promise<string | undefined>;

export interface InfiniRetriRetrieverDeps extends RunOptions {
  /** The causal LM to read with; when absent, `lm` is loaded (and closed by `close()`). */
  lm?: CausalLM;
  /** Whole text of a document, for the second stage; without it (or when it gives undefined) it is read from its chunks. */
  documentText?: DocumentTextGetter;
}

export interface InfiniRetriRetrieverOptions extends InfiniRetriOptions {
  /** 'sift-lm-mini' or a model folder; used when deps.lm is absent. */
  lm?: string;
  /** Top documents of `first` read whole (default 5). */
  firstK?: number;
  /** onnxruntime intra-op threads for the LM loaded from `lm` (default: onnxruntime's, one per core). */
  threads?: number;
}

/**
 * InfiniRetri as a `Retriever`. Alone, it reads all its chunks (each document from its chunks, in order, overlaps read
 * once) as one long input; over a first stage, it reads that stage's top `firstK` documents whole. Returns the retained
 * sentences (best score first, at most k) with offsets into their documents.
 */
export class InfiniRetriRetriever implements Retriever {
  readonly name: string;
  readonly #reader: InfiniRetri;
  readonly #byDoc: Map<string, Chunk[]>;
  readonly #first: Retriever | undefined;
  readonly #firstK: number;
  readonly #documentText: DocumentTextGetter | undefined;
  readonly #ownsLm: boolean;

  private constructor(reader: InfiniRetri, chunks: readonly Chunk[], o: { first?: Retriever; firstK: number; documentText?: DocumentTextGetter; ownsLm: boolean }) {
    this.#reader = reader;
    this.#byDoc = new Map();
    for (const c of chunks) {
      const list = this.#byDoc.get(c.docId) ?? [];
      list.push(c);
      this.#byDoc.set(c.docId, list);
    }
    for (const list of this.#byDoc.values()) list.sort((a, b) => a.start - b.start || b.end - a.end);
    this.#first = o.first;
    this.#firstK = o.firstK;
    this.#documentText = o.documentText;
    this.#ownsLm = o.ownsLm;
    this.name = o.first ? `infiniretri:${o.first.name}` : 'infiniretri';
  }

  static async create(chunks: readonly Chunk[], options: InfiniRetriRetrieverOptions = {}, deps: InfiniRetriRetrieverDeps & { first?: Retriever } = {}): Promise<InfiniRetriRetriever> {
    const { lm: lmName = 'sift-lm-mini', firstK = 5, threads, ...readOptions } = options;
    const reader = new InfiniRetri(deps.lm ?? (await loadAttentionLM(lmName, threads === undefined ? {} : { threads })), readOptions);
    return new InfiniRetriRetriever(reader, chunks, {
      ...(deps.first ? { first: deps.first } : {}),
      firstK,
      ...(deps.documentText ? { documentText: deps.documentText } : {}),
      ownsLm: deps.lm === undefined,
    });
  }

  get reader(): InfiniRetri {
    return this.#reader;
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    const docIds = this.#first ? await this.#firstDocs(query, opts) : [...this.#byDoc.keys()];
    const result = await this.#reader.run(query, this.#sentences(docIds, opts.signal), opts);
    return result.retained
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.max(0, k))
      .map((s) => toScoredChunk(s, result.retained.length));
  }

  async close(): Promise<void> {
    if (this.#ownsLm) await this.#reader.lm.close?.();
  }

  async #firstDocs(query: string, opts: RunOptions): Promise<string[]> {
    const top = await this.#first!.retrieve(query, this.#firstK * 4, opts);
    const ids: string[] = [];
    for (const c of top) if (!ids.includes(c.docId) && ids.length < this.#firstK) ids.push(c.docId);
    return ids;
  }

  async *#sentences(docIds: string[], signal?: AbortSignal): AsyncGenerator<SourceSentence> {
    for (const docId of docIds) {
      const whole = this.#first ? await this.#documentText?.(docId) : undefined;
      if (whole !== undefined) yield* streamSentences(whole, docId, signal);
      else yield* sentencesOfChunks(this.#byDoc.get(docId) ?? [], signal);
    }
  }
}

/**
 * Sentences of one document's chunks (sorted by start) with the document's offsets. Overlapping or touching chunks
 * are read as one run of text (overlaps once), so a sentence that a chunk boundary cuts is still one sentence; a gap
 * between chunks ends a run.
 */
export async function* sentencesOfChunks(chunks: readonly Chunk[], signal?: AbortSignal): AsyncGenerator<SourceSentence> {
  let i = 0;
  while (i < chunks.length) {
    const runStart = chunks[i]!.start;
    let covered = runStart;
    // Collect the run's pieces lazily: each chunk adds the text past what the run already covers.
    const run = function* (): Generator<string> {
      while (i < chunks.length && chunks[i]!.start <= covered) {
        const c = chunks[i++]!;
        if (c.end > covered) {
          yield c.text.slice(covered - c.start);
          covered = c.end;
        }
      }
    };
    for await (const s of streamSentences(run(), chunks[i]!.docId, signal)) {
      yield { ...s, start: s.start + runStart, end: s.end + runStart };
    }
  }
}

/** Loads an ONNX causal LM and checks that it exports last-layer attention. */
export async function loadAttentionLM(model: string, options: { threads?: number } = {}): Promise<OnnxCausalLM> {
  const lm = await OnnxCausalLM.create({ model, ...options });
  if (!lm.hasAttention) {
    await lm.close();
    throw new SiftError('E_MODEL_MALFORMED', `infiniretri needs last-layer attention, but the ONNX graph of ${model} has no last_attention output (export it with scripts/export-hf-decoder.py)`, {
      details: { key: 'lm', value: model },
    });
  }
  return lm;
}

function toScoredChunk(s: RetainedSentence, retained: number): ScoredChunk {
  return {
    id: `${s.docId}@${s.start}-${s.end}`,
    docId: s.docId,
    text: s.text,
    start: s.start,
    end: s.end,
    tokenCount: s.tokenCount,
    metadata: {},
    score: s.score,
    explain: { retriever: 'infiniretri', retained },
  };
}
