import { SiftError, type CausalLM, type RunOptions } from '@sift/core';

/**
 * Test double: a word-level "LM" whose last-layer attention (2 heads, causal, rows sum to 2) puts `boost` times more
 * weight on every token whose word is `key` than on any other (and `weak[word]` times on the words listed there). InfiniRetri's mechanism can be checked against it
 * independently of how well a real model's attention finds things. Records every forward pass's length.
 */
export class FakeAttentionLM implements CausalLM {
  readonly id = 'fake-attention-lm';
  readonly vocabSize = 1024;
  readonly passes: number[] = [];
  readonly #words = new Map<string, number>();

  constructor(
    readonly contextLength: number,
    readonly key: string,
    readonly boost = 50,
    /** Further words with their own weights (a diffuse, weaker pull than the key's). */
    readonly weak: Readonly<Record<string, number>> = {},
  ) {}

  tokenize(text: string): number[] {
    return (text.match(/\s*\S+/g) ?? []).map((w) => this.#id(w.trim()));
  }

  decode(ids: number[]): string {
    const byId = new Map([...this.#words].map(([w, i]) => [i, w]));
    return ids.map((i) => byId.get(i) ?? '?').join(' ');
  }

  async lastLayerAttention(ids: number[], opts: RunOptions = {}): Promise<Float32Array> {
    if (opts.signal?.aborted) throw new SiftError('E_ABORTED', 'Operation aborted');
    const n = ids.length;
    if (n > this.contextLength) throw new SiftError('E_BAD_INPUT', `fake LM got ${n} tokens, context is ${this.contextLength}`);
    this.passes.push(n);
    const weights = new Map<number, number>(Object.entries(this.weak).map(([w, b]) => [this.#id(w), b]));
    weights.set(this.#id(this.key), this.boost);
    const weight = (id: number) => weights.get(id) ?? 1;
    const out = new Float32Array(n * n);
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let c = 0; c <= r; c++) sum += weight(ids[c]!);
      for (let c = 0; c <= r; c++) out[r * n + c] = (2 * weight(ids[c]!)) / sum;
    }
    return out;
  }

  async tokenLogprobs(): Promise<Float32Array> {
    throw new Error('FakeAttentionLM: tokenLogprobs is not part of these tests');
  }

  async nextTokenLogprobs(): Promise<Float32Array> {
    throw new Error('FakeAttentionLM: nextTokenLogprobs is not part of these tests');
  }

  async generate(): Promise<string> {
    throw new Error('FakeAttentionLM: generate is not part of these tests');
  }

  #id(word: string): number {
    let id = this.#words.get(word);
    if (id === undefined) {
      id = (this.#words.size % (this.vocabSize - 1)) + 1;
      this.#words.set(word, id);
    }
    return id;
  }
}
