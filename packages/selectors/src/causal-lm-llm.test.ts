import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxCausalLM, siftLmMiniDir } from '@sift/core';
import { CausalLmLLM } from './causal-lm-llm.js';

const dir = siftLmMiniDir();
let lm: OnnxCausalLM;

describe.skipIf(dir === undefined)('CausalLmLLM (sift-lm-mini)', () => {
  beforeAll(async () => {
    lm = await OnnxCausalLM.create({ model: dir!, device: 'cpu', threads: 1 });
  }, 60_000);
  afterAll(async () => {
    await lm?.close();
  });

  it('generates what the model generates for system + prompt, greedily and reproducibly', async () => {
    const llm = new CausalLmLLM(lm);
    const a = await llm.complete('Question: what did the president say?', { system: 'The State of the Union.', maxTokens: 12 });
    expect(a.length).toBeGreaterThan(0);
    expect(a).toBe(await lm.generate('The State of the Union.\n\nQuestion: what did the president say?', { maxTokens: 12 }));
    expect(await llm.complete('Question: what did the president say?', { system: 'The State of the Union.', maxTokens: 12 })).toBe(a);
    expect(llm.id).toBe(`causal:${lm.id}`);
  });
});
