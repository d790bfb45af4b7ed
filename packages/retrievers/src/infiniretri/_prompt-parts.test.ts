import { describe, expect, it } from 'vitest';
import { FakeAttentionLM } from './_fake-attention-lm.js';
import { promptParts } from './_prompt-parts.js';
import { INFINIRETRI_PROMPT } from './infini-retri-options.js';

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
});
