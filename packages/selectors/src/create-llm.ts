import { z } from 'zod';
import { OnnxCausalLM, SiftError, type LLM } from '@sift/core';
import { CausalLmLLM } from './causal-lm-llm.js';
import { OpenAiChatLLM, OpenAiChatOptionsSchema } from './openai-chat-llm.js';
import { parseSpec } from './parse-spec.js';

export const LlmSpecSchema = z.discriminatedUnion('name', [
  OpenAiChatOptionsSchema.extend({ name: z.literal('openai') }),
  z
    .object({
      name: z.literal('causal-lm'),
      /** 'sift-lm-mini' or an ONNX decoder folder (e.g. an export of a small instruct model). */
      model: z.string().min(1).default('sift-lm-mini'),
    })
    .strict(),
]);
export type LlmSpec = z.input<typeof LlmSpecSchema>;

/** Builds an LLM: `{ name: 'openai', baseUrl, model, apiKeyEnv? }` or `{ name: 'causal-lm', model? }`. */
export async function createLlm(spec: LlmSpec): Promise<LLM> {
  const name = (spec as { name?: unknown }).name;
  if (name !== 'openai' && name !== 'causal-lm') {
    throw new SiftError('E_UNKNOWN_COMPONENT', `Unknown LLM "${String(name)}"; known: openai, causal-lm`, { details: { key: 'llm', value: name } });
  }
  const s = parseSpec(LlmSpecSchema, spec, `${name} LLM`);
  if (s.name === 'openai') {
    const { name: _n, ...o } = s;
    return new OpenAiChatLLM(o);
  }
  return new CausalLmLLM(await OnnxCausalLM.create({ model: s.model }));
}
