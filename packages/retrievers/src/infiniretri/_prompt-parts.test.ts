import { describe, expect, it } from 'vitest';
import type { CausalLM } from '@sift/core';
import { FakeAttentionLM } from './_fake-attention-lm.js';
import { promptParts } from './_prompt-parts.js';
import { InfiniRetri } from './infini-retri.js';
import { INFINIRETRI_PROMPT } from './infini-retri-options.js';
import { streamSentences } from './sentence-stream.js';

/** One token per character (id = char code); causal attention that puts all its weight on newline tokens when any are visible. */
class NewlineAttentionLM implements CausalLM {
  readonly id = 'newline-attention-lm';
  readonly vocabSize = 65536;
  readonly contextLength = 4096;
  tokenize(text: string): number[] {
    return [...text].map((ch) => ch.charCodeAt(0));
  }
  async lastLayerAttention(ids: number[]): Promise<Float32Array> {
    const n = ids.length;
    const out = new Float32Array(n * n);
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let c = 0; c <= r; c++) sum += ids[c] === 10 ? 1000 : 1;
      for (let c = 0; c <= r; c++) out[r * n + c] = (ids[c] === 10 ? 1000 : 1) / sum;
    }
    return out;
  }
  async tokenLogprobs(): Promise<Float32Array> {
    throw new Error('not used');
  }
  async nextTokenLogprobs(): Promise<Float32Array> {
    throw new Error('not used');
  }
  async generate(): Promise<string> {
    throw new Error('not used');
  }
}

describe('InfiniRetri prompt parts', () => {
  const lm = new FakeAttentionLM(512, 'x');
  const words = (ids: number[]) => lm.decode(ids).split(' ').filter(Boolean);

  it('starts the question rows at the question text, not at its "Question:" label, and runs them to the end', () => {
    const p = promptParts(lm, { prompt: INFINIRETRI_PROMPT }, 'Where is it?');
    expect(words(p.prefix)).toEqual(['Read', 'the', 'text', 'below', 'and', 'answer', 'the', 'question.']);
    expect(words(p.separator)).toEqual(['Question:']);
    expect(words(p.question)).toEqual(['Where', 'is', 'it?', 'Answer:']);
  });

  it("handles the reference wrapper's prompt, where the question follows a blank line", () => {
    const ref = 'Read the book and answer the question. Be very concise in your answer.\n\n{context}\n\nQuestion:\n\n{question}\n\nAnswer:';
    const p = promptParts(lm, { prompt: ref }, 'Where is it?');
    expect(words(p.separator)).toEqual(['Question:']);
    expect(words(p.question)).toEqual(['Where', 'is', 'it?', 'Answer:']);
  });

  it('counts the blank line after the context as context columns only when it tokenizes on its own', () => {
    expect(promptParts(new NewlineAttentionLM(), { prompt: INFINIRETRI_PROMPT }, 'Q?').blank).toBe(2);
    // Whitespace-word tokens: the blank line is no token at all.
    expect(promptParts(lm, { prompt: INFINIRETRI_PROMPT }, 'Q?').blank).toBe(0);
  });

  it('scores the blank line as the end of the last context sentence, as the reference (context.strip() + "\\n\\n") does', async () => {
    // All attention goes to the blank line: the one retained sentence is the last one of the context.
    const text = 'Alpha one here. Beta two here. Gamma three here.';
    const r = await new InfiniRetri(new NewlineAttentionLM(), { topK: 1 }).run('Which?', streamSentences(text, 'doc'));
    expect(r.retained.map((x) => x.text)).toEqual(['Gamma three here.']);
  });
});
