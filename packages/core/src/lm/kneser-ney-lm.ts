import { z } from 'zod';
import { notifyProgress, throwIfAborted, yieldToEventLoop, type RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import type { TokenLogprobModel, TokenLogprobsOptions } from '../types.js';
import type { IdTokenizer } from './lm-tokenizer.js';
import { KEY_BASE, NgramCounts } from './ngram-counts.js';
import { NgramTrie } from './ngram-trie.js';
import { WordTokenizer } from './word-tokenizer.js';

const isIdTokenizer = (v: unknown): v is IdTokenizer =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as IdTokenizer).encode === 'function' &&
  typeof (v as IdTokenizer).decode === 'function' &&
  Number.isInteger((v as IdTokenizer).vocabSize);

export const KneserNeyOptionsSchema = z
  .object({
    order: z.number().int().min(1).max(6).default(3).describe('n of the n-grams (3–5 is usual)'),
    tokenizer: z
      .union([z.literal('words'), z.custom<IdTokenizer>(isIdTokenizer, { message: 'expected "words" or an object with vocabSize, encode() and decode()' })])
      .default('words')
      .describe("'words' (vocabulary built from the training text) or a tokenizer such as a causal LM's, to share its ids"),
    lowercase: z.boolean().default(true).describe('words tokenizer only'),
  })
  .strict();
export type KneserNeyOptions = z.input<typeof KneserNeyOptionsSchema>;

/** Training text: documents as strings, or already tokenized id sequences (n-grams never cross documents). */
export type KneserNeyCorpus = string | Iterable<string | number[]> | AsyncIterable<string | number[]>;

/**
 * Interpolated modified Kneser–Ney n-gram LM: the no-model fallback for perplexity-based chunking. Train it on the
 * document itself or on a corpus; it scores any text with the same `TokenLogprobModel` interface as a causal LM.
 */
export class KneserNeyLM implements TokenLogprobModel {
  readonly id: string;
  readonly order: number;
  /** An n-gram LM has no context limit; it only ever looks `order - 1` tokens back. */
  readonly contextLength = Number.POSITIVE_INFINITY;
  readonly vocabSize: number;
  readonly tokenizer: IdTokenizer;
  /** Tokens counted in training. */
  readonly trainedTokens: number;
  readonly #counts: NgramTrie;

  private constructor(counts: NgramTrie, tokenizer: IdTokenizer, name: string, trainedTokens: number) {
    this.#counts = counts;
    this.order = counts.order;
    this.tokenizer = tokenizer;
    this.vocabSize = tokenizer.vocabSize;
    this.trainedTokens = trainedTokens;
    this.id = `kneser-ney-${counts.order}gram-${name}`;
  }

  static async train(corpus: KneserNeyCorpus, options: KneserNeyOptions & RunOptions = {}): Promise<KneserNeyLM> {
    const { signal, onProgress, ...rest } = options;
    const parsed = KneserNeyOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid KneserNeyLM options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const o = parsed.data;
    const words = o.tokenizer === 'words' ? new WordTokenizer({ lowercase: o.lowercase }) : undefined;
    const tokenizer: IdTokenizer = words ?? (o.tokenizer as IdTokenizer);
    if (tokenizer.vocabSize > KEY_BASE) {
      throw new SiftError('E_BAD_CONFIG', `KneserNeyLM supports vocabularies up to ${KEY_BASE} ids, the tokenizer has ${tokenizer.vocabSize}`);
    }
    const counts = new NgramCounts(o.order);
    let tokens = 0;
    let docs = 0;
    const docsIn = typeof corpus === 'string' ? [corpus] : corpus;
    for await (const doc of docsIn as AsyncIterable<string | number[]>) {
      throwIfAborted(signal);
      if (typeof doc !== 'string') {
        if (words) throw new SiftError('E_BAD_INPUT', `corpus document ${docs} is a list of ids; the words tokenizer trains on text (pass a tokenizer to train on ids)`);
        checkIds(doc, tokenizer.vocabSize, `corpus document ${docs}`);
      }
      const ids = typeof doc === 'string' ? tokenizer.encode(doc) : doc;
      counts.add(ids);
      tokens += ids.length;
      docs++;
      if (docs % 64 === 0) {
        notifyProgress(onProgress, { status: 'progress', done: docs, unit: 'documents' });
        await yieldToEventLoop();
      }
    }
    if (tokens === 0) throw new SiftError('E_BAD_INPUT', 'KneserNeyLM.train needs at least one token of training text');
    words?.freeze();
    const trie = counts.freeze(tokenizer.vocabSize);
    notifyProgress(onProgress, { status: 'done', done: docs, total: docs, unit: 'documents' });
    return new KneserNeyLM(trie, tokenizer, words ? 'words' : 'ids', tokens);
  }

  /**
   * The model as one self-describing buffer (a JSON header, then the n-gram trie; see `NgramTrie.toBuffer`), for
   * `KneserNeyLM.fromBuffer`. The tokenizer is not included: the reader passes the same one. Only id tokenizers
   * can be saved (the words tokenizer's vocabulary lives in memory only).
   */
  toBuffer(): Buffer {
    if (this.tokenizer instanceof WordTokenizer) throw new SiftError('E_BAD_INPUT', "a KneserNeyLM with the 'words' tokenizer cannot be saved; train it with an id tokenizer");
    const header = Buffer.from(JSON.stringify({ format: 'sift-kneser-ney', version: 1, order: this.order, vocabSize: this.vocabSize, trainedTokens: this.trainedTokens }), 'utf8');
    const pad = (4 - ((4 + header.length) % 4)) % 4;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length + pad);
    return Buffer.concat([len, header, Buffer.alloc(pad, 0x20), this.#counts.toBuffer()]);
  }

  /** Reads `toBuffer()`'s output; `tokenizer` must be the one the model was trained with (its vocabSize is checked). */
  static fromBuffer(buf: Uint8Array, tokenizer: IdTokenizer, what = 'Kneser–Ney model'): KneserNeyLM {
    const bad = (why: string): never => {
      throw new SiftError('E_MODEL_MALFORMED', `${what}: ${why}`, { details: { file: what } });
    };
    if (buf.length < 4) bad('file too short');
    const len = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32LE(0);
    let header: { format?: unknown; order?: unknown; vocabSize?: unknown; trainedTokens?: unknown } = {};
    try {
      header = JSON.parse(Buffer.from(buf.subarray(4, 4 + len)).toString('utf8')) as typeof header;
    } catch {
      bad('no JSON header');
    }
    if (header.format !== 'sift-kneser-ney') bad(`format is ${JSON.stringify(header.format)}, expected "sift-kneser-ney"`);
    if (header.vocabSize !== tokenizer.vocabSize) bad(`trained with a ${String(header.vocabSize)}-token vocabulary, the tokenizer given has ${tokenizer.vocabSize}`);
    const trie = NgramTrie.fromBuffer(buf.subarray(4 + len), what);
    if (trie.order !== header.order) bad(`header says order ${String(header.order)}, the counts have ${trie.order}`);
    if (trie.levels[0]!.count.length > tokenizer.vocabSize) bad('more unigrams than the vocabulary');
    return new KneserNeyLM(trie, tokenizer, 'ids', Number(header.trainedTokens) || 0);
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids);
  }

  /** Distinct n-grams of each order 1..order. */
  sizes(): number[] {
    return this.#counts.sizes();
  }

  /** `window` and `stride` do not apply: the model always sees the last `order - 1` tokens. */
  async tokenLogprobs(input: string | number[], opts: TokenLogprobsOptions = {}): Promise<Float32Array> {
    const ids = typeof input === 'string' ? this.tokenize(input) : input;
    if (typeof input !== 'string') checkIds(ids, this.vocabSize, 'input');
    const out = new Float32Array(ids.length).fill(Number.NaN);
    const ctx = new Int32Array(this.order);
    for (let i = 1; i < ids.length; i++) {
      const depth = this.#counts.contextIds(ids, i, ctx);
      out[i] = Math.log(this.#counts.prob(ids[i]!, ctx, depth, this.vocabSize));
      if (i % 65536 === 0) {
        throwIfAborted(opts.signal);
        notifyProgress(opts.onProgress, { status: 'progress', done: i, total: ids.length, unit: 'tokens' });
        await yieldToEventLoop();
      }
    }
    notifyProgress(opts.onProgress, { status: 'done', done: ids.length, total: ids.length, unit: 'tokens' });
    return out;
  }

  async nextTokenLogprobs(prompt: string | number[], opts: RunOptions = {}): Promise<Float32Array> {
    throwIfAborted(opts.signal);
    const ids = typeof prompt === 'string' ? this.tokenize(prompt) : prompt;
    if (typeof prompt !== 'string') checkIds(ids, this.vocabSize, 'prompt');
    const ctx = new Int32Array(this.order);
    const depth = this.#counts.contextIds(ids, ids.length, ctx);
    const out = new Float32Array(this.vocabSize);
    for (let w = 0; w < this.vocabSize; w++) out[w] = Math.log(this.#counts.prob(w, ctx, depth, this.vocabSize));
    return out;
  }
}

function checkIds(ids: ArrayLike<number>, vocabSize: number, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const x = ids[i]!;
    if (!Number.isInteger(x) || x < 0 || x >= vocabSize) {
      throw new SiftError('E_BAD_INPUT', `${what}: token id at index ${i} is ${x}; expected an integer in [0, ${vocabSize})`);
    }
  }
}
