import type { IdTokenizer } from './lm-tokenizer.js';

// Letters/marks/digits with inner apostrophes ("don't", "O’Neill"), or one other non-space character.
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;

/**
 * Words and punctuation marks as ids, with a vocabulary that grows while it is open (training) and maps unseen
 * words to `<unk>` (id 0) once frozen. `decode` joins words with spaces, so it does not restore the exact text.
 */
export class WordTokenizer implements IdTokenizer {
  static readonly UNK = '<unk>';
  readonly lowercase: boolean;
  readonly #ids = new Map<string, number>([[WordTokenizer.UNK, 0]]);
  readonly #words: string[] = [WordTokenizer.UNK];
  #frozen = false;

  constructor(opts: { lowercase?: boolean } = {}) {
    this.lowercase = opts.lowercase ?? true;
  }

  get vocabSize(): number {
    return this.#words.length;
  }

  /** Stop growing: later unseen words become `<unk>`. */
  freeze(): void {
    this.#frozen = true;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const m of (this.lowercase ? text.toLowerCase() : text).matchAll(WORD)) {
      const w = m[0];
      let id = this.#ids.get(w);
      if (id === undefined) {
        if (this.#frozen) id = 0;
        else {
          id = this.#words.length;
          this.#ids.set(w, id);
          this.#words.push(w);
        }
      }
      out.push(id);
    }
    return out;
  }

  decode(ids: number[]): string {
    return ids.map((i) => this.#words[i] ?? WordTokenizer.UNK).join(' ');
  }
}
