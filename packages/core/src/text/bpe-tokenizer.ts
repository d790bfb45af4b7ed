import { SiftError } from '../errors.js';
import type { Tokenizer, TokenOffsets } from './tokenizer.js';
import { offsetsFromByteLengths, utf8Length } from './_utf8.js';

export type BpeTokenizerName = 'cl100k' | 'o200k';

interface GptEncodingApi {
  encode(text: string, opts?: { disallowedSpecial?: Set<string> }): number[];
  countTokens(text: string, opts?: { disallowedSpecial?: Set<string> }): number;
  decode(ids: Iterable<number>): string;
}

// Chunkers see arbitrary user text: special-token strings such as "<|endoftext|>" are encoded as plain text,
// never rejected and never turned into control tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// Loaded encodings are immutable and large (the rank tables are megabytes), so each is loaded once per process.
const loaded = new Map<BpeTokenizerName, Promise<BpeTokenizer>>();

/** OpenAI byte-level BPE (cl100k_base, o200k_base) through gpt-tokenizer; the rank tables ship with the package. */
export class BpeTokenizer implements Tokenizer {
  readonly additive = false;

  private constructor(
    readonly name: BpeTokenizerName,
    private readonly api: GptEncodingApi,
    /** UTF-8 byte length of each token id (0 for ids that the encoder never emits). */
    private readonly byteLengths: Uint16Array,
  ) {}

  static create(name: BpeTokenizerName): Promise<BpeTokenizer> {
    let p = loaded.get(name);
    if (!p) {
      p = BpeTokenizer.load(name);
      loaded.set(name, p);
      p.catch(() => loaded.delete(name));
    }
    return p;
  }

  private static async load(name: BpeTokenizerName): Promise<BpeTokenizer> {
    try {
      const [enc, ranks] =
        name === 'cl100k'
          ? await Promise.all([import('gpt-tokenizer/encoding/cl100k_base'), import('gpt-tokenizer/bpeRanks/cl100k_base')])
          : await Promise.all([import('gpt-tokenizer/encoding/o200k_base'), import('gpt-tokenizer/bpeRanks/o200k_base')]);
      const table = ranks.default;
      const byteLengths = new Uint16Array(table.length);
      for (let id = 0; id < table.length; id++) {
        const v = table[id];
        if (typeof v === 'string') byteLengths[id] = utf8Length(v);
        else if (v) byteLengths[id] = v.length;
      }
      return new BpeTokenizer(name, enc.default as unknown as GptEncodingApi, byteLengths);
    } catch (cause) {
      throw new SiftError('E_DEPENDENCY_MISSING', `cannot load the ${name} tokenizer from gpt-tokenizer`, { cause });
    }
  }

  count(text: string): number {
    return text.length === 0 ? 0 : this.api.countTokens(text, PLAIN_TEXT);
  }

  encode(text: string): number[] {
    return text.length === 0 ? [] : this.api.encode(text, PLAIN_TEXT);
  }

  decode(ids: readonly number[]): string {
    return this.api.decode(ids);
  }

  encodeWithOffsets(text: string): TokenOffsets {
    const ids = this.encode(text);
    const lens = new Uint16Array(ids.length);
    const table = this.byteLengths;
    for (let i = 0; i < ids.length; i++) lens[i] = table[ids[i]!] ?? 0;
    return { ids, offsets: offsetsFromByteLengths(text, lens) };
  }
}
