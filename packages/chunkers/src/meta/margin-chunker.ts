import {
  createTokenizer,
  notifyProgress,
  sentenceOffsets,
  SiftError,
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
import { answerIds, marginOf, marginPrompt, truncateForPrompt } from './margin-prompt.js';
import { MetaChunkPacker, paragraphBreakBefore, type MetaPacked } from './meta-pack.js';
import { MarginChunkerConfigSchema, type MarginChunkerConfig, type MarginChunkerOptions } from './meta-options.js';

/** Margins averaged into the next threshold (the reference's `mean(hist[-5:])`). */
export const MARGIN_HISTORY = 5;

export { MarginChunkerConfigSchema, type MarginChunkerConfig, type MarginChunkerOptions };

/**
 * Meta-Chunking's margin-sampling chunking ("chunk" variant): for each next sentence B, ask the LM whether to split
 * the current chunk A from B (answer 1) or keep them (2); margin = p("2") − p("1"). B joins A when the margin is
 * above the threshold, which starts at 0 and becomes the mean of the last 5 margins once there are 5. Meta-chunks
 * are then merged to `size` tokens. One forward pass per sentence pair, so this is far slower than `ppl`.
 */
export class MarginChunker implements Chunker {
  readonly name = 'margin';
  readonly config: Omit<MarginChunkerConfig, 'chunker' | 'lm'>;
  readonly lm: TokenLogprobModel;
  readonly #tokenizer: Tokenizer;
  readonly #answers: [number, number];

  private constructor(lm: TokenLogprobModel, config: Omit<MarginChunkerConfig, 'chunker' | 'lm'>, tokenizer: Tokenizer, answers: [number, number]) {
    this.lm = lm;
    this.config = config;
    this.#tokenizer = tokenizer;
    this.#answers = answers;
  }

  static async create(lm: TokenLogprobModel, options: MarginChunkerOptions = {}): Promise<MarginChunker> {
    const { chunker: _c, lm: _l, ...config } = parseConfig(MarginChunkerConfigSchema, { ...options, chunker: 'margin' }, 'margin chunker');
    sentenceOffsets('', { locale: config.locale });
    let answers: [number, number];
    try {
      answers = answerIds(lm);
    } catch (err) {
      throw new SiftError('E_BAD_CONFIG', `margin chunker: ${(err as Error).message}`, { cause: err });
    }
    return new MarginChunker(lm, config, await createTokenizer(config.tokenizer), answers);
  }

  async *chunk(doc: Document, opts: RunOptions = {}): AsyncIterable<Chunk> {
    checkDocument(doc, this.name);
    throwIfAborted(opts.signal);
    const c = this.config;
    const spans = sentenceOffsets(doc.text, { locale: c.locale });
    const n = spans.length / 2;
    const packer = new MetaChunkPacker(new TokenIndex(doc.text, this.#tokenizer), c.size, c.merge);
    const sentence = (k: number) => doc.text.slice(spans[2 * k]!, spans[2 * k + 1]!);
    const join = c.language === 'zh' ? '' : ' ';
    let index = 0;
    const make = (p: MetaPacked): Chunk => ({
      id: `${doc.id}#${index++}`,
      docId: doc.id,
      text: doc.text.slice(p.start, p.end),
      start: p.start,
      end: p.end,
      tokenCount: p.tokens,
      metadata: { chunker: this.name, lm: this.lm.id, metaChunks: p.metaChunks },
    });
    let threshold = 0;
    const history: number[] = [];
    let first = 0;
    let current = n > 0 ? sentence(0) : '';
    for (let i = 1; i < n; i++) {
      throwIfAborted(opts.signal);
      const next = sentence(i);
      if (c.paragraphBreaks && paragraphBreakBefore(doc.text, spans, i)) {
        // A forced cut: no question to the LM, and the margin history stays as it was.
        for (const p of packer.add(spans, first, i - 1)) yield make(p);
        first = i;
        current = next;
        continue;
      }
      const [a, b] = truncateForPrompt(this.lm, current, next, c.chunkTailTokens, c.sentenceHeadTokens);
      const m = await marginOf(this.lm, marginPrompt(a, b, c.language), this.#answers, opts.signal);
      history.push(m);
      if (m > threshold) {
        current += join + next;
      } else {
        for (const p of packer.add(spans, first, i - 1)) yield make(p);
        first = i;
        current = next;
      }
      if (history.length >= MARGIN_HISTORY) {
        let s = 0;
        for (let k = history.length - MARGIN_HISTORY; k < history.length; k++) s += history[k]!;
        threshold = s / MARGIN_HISTORY;
      }
      if (i % 16 === 0) {
        notifyProgress(opts.onProgress, { status: 'progress', done: i, total: n, unit: 'sentences' });
        await yieldToEventLoop();
      }
    }
    if (n > 0) for (const p of packer.add(spans, first, n - 1)) yield make(p);
    for (const p of packer.finish()) yield make(p);
    notifyProgress(opts.onProgress, { status: 'done', done: n, total: n, unit: 'sentences' });
  }
}
