import {
  createTokenizer,
  notifyProgress,
  sentenceOffsets,
  throwIfAborted,
  yieldToEventLoop,
  type Chunk,
  type Chunker,
  type Document,
  type RunOptions,
  type Tokenizer,
  type TokenLogprobModel,
} from '@sift/core';
import { checkDocument } from '../_chunk-stream.js';
import { parseConfig } from '../_parse-config.js';
import { TokenIndex } from '../_token-index.js';
import { MetaChunkPacker, paragraphBreakBefore, type MetaPacked } from './meta-pack.js';
import { newThresholdState, PplMinimaFinder, type PplThresholdState } from './ppl-minima.js';
import { sentenceNlls } from './sentence-nll.js';
import { DEFAULT_PPL_LM, PplChunkerConfigSchema, type PplChunkerConfig, type PplChunkerOptions } from './meta-options.js';

export { DEFAULT_PPL_LM, PplChunkerConfigSchema, type PplChunkerConfig, type PplChunkerOptions };

/**
 * Meta-Chunking's perplexity chunking: split into sentences, score every sentence's mean token NLL with a causal
 * (or n-gram) LM in one concatenated pass, cut after each sentence that is a local NLL minimum (see ppl-minima.ts),
 * then merge the meta-chunks to `size` tokens. Chunks stream as soon as their boundaries are known; progress is
 * reported in sentences. The LM is injected and stays owned by the caller.
 */
export class PplChunker implements Chunker {
  readonly name = 'ppl';
  readonly config: Omit<PplChunkerConfig, 'chunker' | 'lm'>;
  readonly lm: TokenLogprobModel;
  /** Threshold state shared by every document this chunker sees (the dynamic threshold carries over). */
  readonly thresholdState: PplThresholdState;
  readonly #tokenizer: Tokenizer;

  private constructor(lm: TokenLogprobModel, config: Omit<PplChunkerConfig, 'chunker' | 'lm'>, tokenizer: Tokenizer) {
    this.lm = lm;
    this.config = config;
    this.#tokenizer = tokenizer;
    this.thresholdState = newThresholdState(config.threshold);
  }

  static async create(lm: TokenLogprobModel, options: PplChunkerOptions = {}): Promise<PplChunker> {
    const { chunker: _c, lm: _l, ...config } = parseConfig(PplChunkerConfigSchema, { ...options, chunker: 'ppl' }, 'ppl chunker');
    sentenceOffsets('', { locale: config.locale }); // fails fast on a locale Intl.Segmenter rejects
    return new PplChunker(lm, config, await createTokenizer(config.tokenizer));
  }

  async *chunk(doc: Document, opts: RunOptions = {}): AsyncIterable<Chunk> {
    checkDocument(doc, this.name);
    throwIfAborted(opts.signal);
    const c = this.config;
    const spans = sentenceOffsets(doc.text, { locale: c.locale });
    const n = spans.length / 2;
    const packer = new MetaChunkPacker(new TokenIndex(doc.text, this.#tokenizer), c.size, c.merge);
    const finder = new PplMinimaFinder(this.thresholdState, c.dynamicThreshold);
    let index = 0;
    let first = 0; // first sentence of the open meta-chunk
    const make = (p: MetaPacked): Chunk => ({
      id: `${doc.id}#${index++}`,
      docId: doc.id,
      text: doc.text.slice(p.start, p.end),
      start: p.start,
      end: p.end,
      tokenCount: p.tokens,
      metadata: { chunker: this.name, lm: this.lm.id, metaChunks: p.metaChunks },
    });
    const blocks = sentenceNlls(this.lm, doc.text, spans, {
      blockTokens: c.blockTokens,
      bareSentences: c.bareSentences,
      ...(c.window !== undefined ? { window: c.window } : {}),
      ...(c.stride !== undefined ? { stride: c.stride } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    for await (const block of blocks) {
      for (let k = 0; k < block.values.length; k++) {
        const i = block.from + k;
        // Pushing sentence i decides whether sentence i - 1 is a minimum; a minimum closes its meta-chunk.
        const minimum = finder.push(block.values[k]!);
        if (minimum || (c.paragraphBreaks && i > first && paragraphBreakBefore(doc.text, spans, i))) {
          for (const p of packer.add(spans, first, i - 1)) yield make(p);
          first = i;
        }
      }
      throwIfAborted(opts.signal);
      const done = block.from + block.values.length;
      notifyProgress(opts.onProgress, { status: done === n ? 'done' : 'progress', done, total: n, unit: 'sentences' });
      await yieldToEventLoop();
    }
    if (n > 0) for (const p of packer.add(spans, first, n - 1)) yield make(p);
    for (const p of packer.finish()) yield make(p);
    if (n === 0) notifyProgress(opts.onProgress, { status: 'done', done: 0, total: 0, unit: 'sentences' });
  }
}
