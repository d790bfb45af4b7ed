import type { CausalLM, LLM, LlmOptions } from '@sift/core';

/**
 * An LLM backed by any local `CausalLM` (e.g. an ONNX export of a small instruct model, or sift-lm-mini), so the
 * feedback path runs offline. The system text, when given, goes before the prompt in the same user turn.
 */
export class CausalLmLLM implements LLM {
  readonly id: string;
  readonly #lm: CausalLM;

  constructor(lm: CausalLM) {
    this.#lm = lm;
    this.id = `causal:${lm.id}`;
  }

  complete(prompt: string, opts: LlmOptions = {}): Promise<string> {
    const { system, ...gen } = opts;
    return this.#lm.generate(system ? `${system}\n\n${prompt}` : prompt, gen);
  }

  async close(): Promise<void> {
    await this.#lm.close?.();
  }
}
