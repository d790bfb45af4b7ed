import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkerConfigSchema } from '@sift/chunkers';
import { SiftError, type Chunk, type Chunker, type Document, type Embedder, type RunOptions } from '@sift/core';
import { createPipeline, type Pipeline, type PipelineOptions, type PipelineParts } from '@sift/pipeline';
import type { TokenCounter } from '../datasets/niah.js';
import type { ResolvedPipeline } from '../eval-config.js';
import { WHOLE_DOCUMENTS } from './chunk-corpus.js';

/**
 * A chunker for evaluation: it checks the offset invariant of every chunk, keeps chunk ids unique across the corpus,
 * re-counts tokens with the evaluation tokenizer (so budgets compare across chunkers that count differently), and
 * adds up the time spent inside the chunker under test.
 */
export class EvalChunker implements Chunker {
  readonly name: string;
  /** Milliseconds spent inside the wrapped chunker. */
  chunkingMs = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly inner: Chunker | typeof WHOLE_DOCUMENTS,
    private readonly counter: TokenCounter,
  ) {
    this.name = inner === WHOLE_DOCUMENTS ? WHOLE_DOCUMENTS : inner.name;
  }

  async *chunk(doc: Document, opts: RunOptions = {}): AsyncIterable<Chunk> {
    let produced: Chunk[];
    if (this.inner === WHOLE_DOCUMENTS) {
      produced = [{ id: doc.id, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 0, metadata: {} }];
    } else {
      produced = [];
      const t0 = performance.now();
      for await (const c of this.inner.chunk(doc, opts.signal ? { signal: opts.signal } : {})) produced.push(c);
      this.chunkingMs += performance.now() - t0;
    }
    for (const c of produced) {
      if (c.docId !== doc.id || doc.text.slice(c.start, c.end) !== c.text) {
        throw new SiftError('E_RUNTIME', `chunker broke the offset invariant on document "${doc.id}" (chunk "${c.id}" at ${c.start}..${c.end})`, {
          details: { docId: doc.id, chunkId: c.id },
        });
      }
      // Chunk ids must be unique across the corpus, since rankings are keyed by them.
      const id = this.seen.has(c.id) ? `${doc.id}#${c.id}` : c.id;
      if (this.seen.has(id)) throw new SiftError('E_RUNTIME', `duplicate chunk id "${c.id}" in document "${doc.id}"`);
      this.seen.add(id);
      yield { ...c, id, tokenCount: this.counter.count(c.text) };
    }
  }
}

export interface EvalIndex {
  pipeline: Pipeline;
  /** The pipeline's full configuration, for the report. */
  described: Record<string, unknown>;
  chunks: number;
  chunkingMs: number;
  /** Time to index, less the time inside the chunker. */
  indexMs: number;
  dispose(): Promise<void>;
}

/**
 * Builds the corpus into a temporary on-disk index through `@sift/pipeline` and returns the pipeline over it: the
 * same index, retrievers and selectors `sift index` and `sift query` use, so eval measures what users run.
 */
export async function buildEvalIndex(
  documents: readonly Document[],
  input: { pipeline: ResolvedPipeline; chunker: Chunker | typeof WHOLE_DOCUMENTS; chunkerSpec: Record<string, unknown> | typeof WHOLE_DOCUMENTS; counter: TokenCounter; embedder?: Embedder; parts?: PipelineParts },
  opts: RunOptions = {},
): Promise<EvalIndex> {
  const dir = await mkdtemp(join(tmpdir(), 'sift-eval-index-'));
  const chunker = new EvalChunker(input.chunker, input.counter);
  const { chunker: _c, size: _z, overlap: _o, tokenizer: _t, index: _i, ext: _e, strict: _s, segmenter: _g, knownK: _k, budgets: _b, ...config } = input.pipeline;
  const options: PipelineOptions = {
    ...config,
    index: dir,
    chunker,
    ...(input.embedder ? { embedder: input.embedder } : {}),
    ...(input.parts ?? {}),
  };
  let pipeline: Pipeline | undefined;
  try {
    pipeline = await createPipeline(options, { source: 'eval pipeline' });
    const t0 = performance.now();
    await pipeline.index(documents, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => opts.onProgress?.({ ...p, total: documents.length, unit: 'documents', message: 'indexing' }),
    });
    const indexMs = performance.now() - t0 - chunker.chunkingMs;
    const stats = await pipeline.stats();
    // The temporary folder means nothing to a reader of the report; the chunker is the one under test.
    const { index: _dir, ...described } = await pipeline.describe();
    described.chunker = describeChunker(input.chunkerSpec);
    const p = pipeline;
    return {
      pipeline: p,
      described,
      chunks: stats.chunks,
      chunkingMs: chunker.chunkingMs,
      indexMs,
      dispose: async () => {
        await p.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await pipeline?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The chunker config with its defaults filled in (as the index would record it); a custom one as given. */
function describeChunker(spec: Record<string, unknown> | typeof WHOLE_DOCUMENTS): unknown {
  if (spec === WHOLE_DOCUMENTS) return spec;
  const parsed = ChunkerConfigSchema.safeParse(spec);
  return parsed.success ? parsed.data : spec;
}
