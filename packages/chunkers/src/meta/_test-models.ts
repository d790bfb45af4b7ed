import type { TokenLogprobModel } from '@sift/core';

/**
 * Test LM over words "W<n>": token id n, and every token's log-prob is −n whatever its context, so a sentence's
 * mean NLL is set by the text ("W5 W5." scores 5). Records the length of every tokenLogprobs call.
 */
export class WordValueLM implements TokenLogprobModel {
  readonly id = 'word-value';
  readonly vocabSize = 1000;
  readonly calls: number[] = [];
  constructor(readonly contextLength = Number.POSITIVE_INFINITY) {}
  tokenize(text: string): number[] {
    return [...text.matchAll(/W(\d+)/g)].map((m) => Number(m[1]));
  }
  decode(ids: number[]): string {
    return ids.map((i) => `W${i}`).join(' ');
  }
  async tokenLogprobs(input: string | number[]): Promise<Float32Array> {
    const ids = typeof input === 'string' ? this.tokenize(input) : input;
    this.calls.push(ids.length);
    return Float32Array.from(ids, (id, j) => (j === 0 ? Number.NaN : -id));
  }
  async nextTokenLogprobs(): Promise<Float32Array> {
    throw new Error('not used');
  }
}

/**
 * Test LM for margin sampling: UTF-16 code units as ids; the next-token distribution after a margin prompt puts
 * p("2") − p("1") = margins.get(B) (B read back from the prompt), and records every prompt.
 */
export class MarginTableLM implements TokenLogprobModel {
  readonly id = 'margin-table';
  readonly contextLength = 1 << 20;
  readonly vocabSize = 0x10000;
  readonly prompts: string[] = [];
  constructor(readonly margins: Map<string, number>) {}
  tokenize(text: string): number[] {
    return Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
  }
  decode(ids: number[]): string {
    return String.fromCharCode(...ids);
  }
  async tokenLogprobs(): Promise<Float32Array> {
    throw new Error('not used');
  }
  async nextTokenLogprobs(prompt: string | number[]): Promise<Float32Array> {
    const p = typeof prompt === 'string' ? prompt : this.decode(prompt);
    this.prompts.push(p);
    const zh = p.includes('两部分');
    const end = p.indexOf(zh ? '”两部分' : '" two parts;');
    const b = p.slice(p.lastIndexOf(zh ? '”与“' : ' and "', end) + (zh ? 3 : 6), end);
    const m = this.margins.get(b);
    if (m === undefined) throw new Error(`no margin for B = ${JSON.stringify(b)}`);
    const out = new Float32Array(this.vocabSize).fill(Math.log(1e-9));
    out['1'.charCodeAt(0)] = Math.log((1 - m) / 2);
    out['2'.charCodeAt(0)] = Math.log((1 + m) / 2);
    return out;
  }
}
